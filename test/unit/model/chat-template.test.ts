// Where the chat template is read from, in transformers' order: chat_template.jinja, then
// chat_template.json, then tokenizer_config.json; and what a broken one reports.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findChatTemplate } from '../../../engine/model/chat-template';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vlm-chat-template-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const render = (dir: string, config: Record<string, unknown> = {}) =>
  findChatTemplate(dir, config)?.template.render({ messages: [] });

test('chat_template.jinja wins over chat_template.json, which wins over tokenizer_config.json', () => {
  const config = { chat_template: 'from config' };
  const all = folder({
    'chat_template.jinja': 'from jinja',
    'chat_template.json': JSON.stringify({ chat_template: 'from json' }),
  });
  const jsonOnly = folder({ 'chat_template.json': JSON.stringify({ chat_template: 'from json' }) });
  const none = folder({});
  try {
    assert.equal(render(all, config), 'from jinja');
    assert.equal(findChatTemplate(all, config)?.file, 'chat_template.jinja');
    assert.equal(render(jsonOnly, config), 'from json');
    assert.equal(findChatTemplate(jsonOnly, config)?.file, 'chat_template.json');
    assert.equal(render(none, config), 'from config');
    assert.equal(findChatTemplate(none, {}), undefined);
  } finally {
    for (const dir of [all, jsonOnly, none]) rmSync(dir, { recursive: true, force: true });
  }
});

test('a list of named templates uses the one named default', () => {
  const dir = folder({});
  try {
    const config = {
      chat_template: [
        { name: 'tool_use', template: 'tools' },
        { name: 'default', template: 'plain' },
      ],
    };
    assert.equal(render(dir, config), 'plain');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a broken template names its file and the problem, not just "Unexpected end of input"', () => {
  const dir = folder({ 'chat_template.jinja': '{% if add_generation_prompt %}Assistant:' });
  try {
    assert.throws(
      () => findChatTemplate(dir, {}),
      /^Error: chat_template\.jinja: the chat template is not valid Jinja \(.+\); check its braces/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
