// The clear-error predicate on messages seen from the entry points: what must count as clear,
// and the look-alikes that must not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CorpusCase } from '../../scripts/corpus/types';
import { isClear, judgeError, looksLikeCrash } from './judge';

const file = (name: string, extra: Partial<CorpusCase> = {}): CorpusCase => ({
  id: `cli/media/${name}`,
  entry: 'cli',
  group: 'media',
  input: name,
  names: [name],
  payload: {},
  ...extra,
});

test('a message naming the file and the problem is clear', () => {
  const c = file('png-empty.png');
  assert.ok(isClear(c, 'vlm ask: /tmp/x/media/png-empty.png: file is empty (0 bytes)'));
  assert.ok(
    isClear(
      file('mp4-cut.mp4'),
      'vlm ask: /t/mp4-cut.mp4: file is truncated (ffmpeg: moov atom not found)',
    ),
  );
});

test('a problem word inside the file name or its folder does not count', () => {
  const c = file('png-empty.png');
  assert.equal(
    isClear(c, 'cannot read image /tmp/x/png-empty.png: vipspng: libpng read error'),
    false,
  );
  const loop = file('loop-a.png', { problems: ['loop'] });
  assert.equal(isClear(loop, "ask_video: '/tmp/corpus/odd/loop-a.png' not found"), false);
  const model = file('config.json', { names: ['config.json'] });
  assert.equal(
    isClear(model, 'model folder /tmp/models/model-missing-config cannot be used'),
    false,
  );
});

test('a message that does not name the input is unclear', () => {
  assert.equal(isClear(file('clip.mp4'), 'Unexpected end of input'), false);
  assert.equal(isClear(file('clip.mp4'), 'invalid params'), false);
});

test("ffmpeg's 'Invalid argument' is not a diagnosis", () => {
  assert.equal(
    isClear(file('w.webm'), 'vlm ask: /t/w.webm: ffmpeg failed: file:/t/w.webm: Invalid argument'),
    false,
  );
  assert.ok(
    isClear(
      file('a.avi'),
      '/t/a.avi: file looks like AVI but is corrupt (ffmpeg: Invalid data found when processing input)',
    ),
  );
});

test('a case-specific problem list replaces the shared vocabulary', () => {
  const fifo = file('fifo.mp4', { problems: ['not a regular file', 'named pipe'] });
  assert.ok(isClear(fifo, 'vlm ask: /t/fifo.mp4: is a named pipe (FIFO), not a regular file'));
  assert.equal(isClear(fifo, 'no such file: /t/fifo.mp4'), false);
});

test('names may be escaped; escapedOnly refuses a raw control character', () => {
  const name = '\u001b[31mred.png';
  assert.ok(isClear(file(name), `cannot read /t/${name}: image is truncated`));
  assert.ok(isClear(file(name), 'cannot read /t/\\x1b[31mred.png: image is truncated'));
  assert.ok(isClear(file(name), 'cannot read /t/\uFFFD[31mred.png: image is truncated'));
  assert.equal(
    isClear(file(name, { escapedOnly: true }), `cannot read /t/${name}: image is truncated`),
    false,
  );
  assert.ok(
    isClear(
      file(name, { escapedOnly: true }),
      'cannot read /t/\\u001b[31mred.png: image is truncated',
    ),
  );
});

test('a long name may be cut to its first 40 characters', () => {
  const name = `${'long-'.repeat(48)}end.png`;
  assert.ok(isClear(file(name), `/t/${name.slice(0, 50)}…: file is empty`));
});

test('native crashes and raw stack traces are crashes', () => {
  assert.ok(looksLikeCrash('Segmentation fault (core dumped)'));
  assert.ok(looksLikeCrash('TypeError: x is undefined\n    at run (/repo/engine/a.ts:10:5)'));
  assert.equal(
    judgeError(file('a.png'), 'Error: boom\n    at Object.<anonymous> (/a.js:1:1)'),
    'crash',
  );
  assert.equal(looksLikeCrash('vlm ask: /t/a.png: file is empty (0 bytes)'), false);
});
