// The @vlm participant's request → ask mapping and the vlm_ask_video tool's input checks,
// with plain objects in place of VS Code's (the chat API is absent in code-server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planChatAsk } from '../../../client/chat/request';
import { validateAskVideoInput } from '../../../client/agent/video-input';
import { IMAGE_EXTENSIONS, VIDEO_EXTENSIONS } from '../../../client/commands/ids';

const extensions = { video: VIDEO_EXTENSIONS, image: IMAGE_EXTENSIONS };
/** What a vscode.Uri looks like to the mapping: scheme, path, toString. */
const uri = (path: string) => ({ scheme: 'file', path, toString: () => `file://${path}` });
const selected = { key: 'stream-1', label: 'lazygit.mp4' };

test('@vlm with no attachment asks the stream selected in the Answers view', () => {
  assert.deepEqual(planChatAsk({ prompt: ' what opens? ', references: [] }, selected, extensions), {
    kind: 'stream',
    streamKey: 'stream-1',
    label: 'lazygit.mp4',
    question: 'what opens?',
  });
});

test('@vlm with an attached video or image file asks about that file, without the #file text', () => {
  const prompt = 'when does #file:demo.mp4 show the error?';
  const start = prompt.indexOf('#file');
  const video = planChatAsk(
    {
      prompt,
      references: [
        {
          id: 'vscode.file',
          value: uri('/w/demo.mp4'),
          range: [start, start + '#file:demo.mp4'.length],
        },
      ],
    },
    selected,
    extensions,
  );
  assert.deepEqual(video, {
    kind: 'file',
    media: 'video',
    uri: 'file:///w/demo.mp4',
    question: 'when does show the error?',
  });
  // A Location (a selection in a file) counts by its uri; other files are skipped.
  const image = planChatAsk(
    {
      prompt: 'what does the dialog say',
      references: [
        { id: 'a', value: uri('/w/notes.md') },
        { id: 'b', value: { uri: uri('/w/Shot.PNG'), range: {} } },
      ],
    },
    undefined,
    extensions,
  );
  assert.equal(image.kind, 'file');
  assert.equal(image.kind === 'file' && image.media, 'image');
});

test('@vlm with a pasted screenshot (binary data) asks about its bytes', async () => {
  const bytes = new Uint8Array([137, 80, 78, 71]);
  const plan = planChatAsk(
    {
      prompt: 'where is Save?',
      references: [
        { id: 'img', name: 'image.png', value: { mimeType: 'image/png', data: async () => bytes } },
      ],
    },
    selected,
    extensions,
  );
  assert.equal(plan.kind, 'bytes');
  if (plan.kind !== 'bytes') return;
  assert.equal(plan.mimeType, 'image/png');
  assert.equal(plan.name, 'image.png');
  assert.deepEqual(await plan.data(), bytes);
});

test('@vlm says what is missing: a question, or something to ask about', () => {
  const empty = planChatAsk({ prompt: '   ', references: [] }, selected, extensions);
  assert.equal(empty.kind, 'none');
  assert.match(empty.kind === 'none' ? empty.message : '', /Type a question/);
  const nothing = planChatAsk({ prompt: 'what is this?', references: [] }, undefined, extensions);
  assert.match(nothing.kind === 'none' ? nothing.message : '', /attach a video or an image/);
  const long = planChatAsk({ prompt: 'x'.repeat(2001), references: [] }, selected, extensions);
  assert.match(long.kind === 'none' ? long.message : '', /2001 characters; at most 2000/);
});

test('vlm_ask_video checks its input and names the field and the problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlm-tool-'));
  const video = join(dir, 'clip.mp4');
  writeFileSync(video, 'x');
  const check = (input: unknown) => validateAskVideoInput(input, VIDEO_EXTENSIONS, existsSync);
  assert.deepEqual(check({ path: video, question: ' what happens? ' }), {
    path: video,
    question: 'what happens?',
  });
  assert.throws(
    () => check({ question: 'q' }),
    /path must be an absolute file path, got undefined/,
  );
  assert.throws(() => check({ path: 'clip.mp4', question: 'q' }), /relative path 'clip\.mp4'/);
  assert.throws(
    () => check({ path: join(dir, 'shot.png'), question: 'q' }),
    /is not a video .*vlm_analyze_screenshot/,
  );
  assert.throws(() => check({ path: join(dir, 'gone.mp4'), question: 'q' }), /path: no file at/);
  assert.throws(() => check({ path: video, question: '' }), /question must be a non-empty string/);
  assert.throws(() => check({ path: video, question: 'x'.repeat(2001) }), /at most 2000/);
  assert.throws(() => check(null), /path must be/);
});
