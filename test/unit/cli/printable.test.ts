import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printable } from '../../../engine/cli/printable';

const ROOT = join(__dirname, '..', '..', '..');

test('control characters become U+FFFD; newlines, tabs and other text stay', () => {
  assert.equal(printable('\u001b[31mred\u0007 ok'), '\uFFFD[31mred\uFFFD ok');
  assert.equal(printable('a\tb\nc é 日本'), 'a\tb\nc é 日本');
  assert.equal(printable('\u009b2J'), '\uFFFD2J');
});

test("vlm ask prints the reference model's raw bytes without terminal control characters", () => {
  const run = spawnSync(
    process.execPath,
    [
      join(ROOT, 'bin', 'vlm.js'),
      'ask',
      join(ROOT, 'test', 'fixtures', 'real', 'lazygit-nuke-working-tree.mp4'),
      'What does the dialog offer?',
      '--no-cache',
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, VLM_CACHE_DIR: mkdtempSync(join(tmpdir(), 'vlm-printable-')) },
    },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.ok(run.stdout.includes('Evidence'));
  // The README's question: the first item is the moment the dialog came up, with its text.
  assert.match(run.stdout, /Evidence\n\s+0:03 .*\n.*Discard unstaged change/);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(run.stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
});
