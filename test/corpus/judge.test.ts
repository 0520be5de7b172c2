// The clear-error predicate on messages seen from the entry points: what must count as clear,
// and the look-alikes that must not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CorpusCase } from '../../scripts/corpus/types';
import { isClear, judgeError, judgeHttpError, looksLikeCrash } from './judge';

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

const model = (names: string[]): CorpusCase => ({
  id: 'lsp/model/x',
  entry: 'lsp',
  group: 'model',
  input: 'a broken model folder',
  names,
  payload: {},
});
// The names scripts/corpus/cases-lsp.ts gives a broken frame.
const frame: CorpusCase = {
  ...model(['Content-Length', 'header', 'JSON', 'json', 'message', 'jsonrpc', 'method', 'request']),
  id: 'lsp/frame/x',
  group: 'frame',
};
const param = (names: string[]): CorpusCase => ({ ...model(names), group: 'params' });

test('messages a person reads as clear are clear', () => {
  const clear: [CorpusCase, string][] = [
    [
      frame,
      'vlm server: bad message header: no Content-Length header; skipped to the next Content-Length header',
    ],
    [
      frame,
      'vlm server: bad message header: Content-Length 99999999999 is over 83886080 bytes; skipped to the next Content-Length header',
    ],
    [param(['question']), "ask_video: argument 'question' is longer than 8000 characters (30000)"],
    [
      model(['chat_template']),
      'chat template: none found in /tmp/m/model-no-chat-template; looked for chat_template.jinja, chat_template.json and the "chat_template" field of tokenizer_config.json',
    ],
    [
      model(['tokenizer_config.json', 'chat_template']),
      'tokenizer_config.json: the chat template is not valid Jinja (Unexpected end of input)',
    ],
    [
      model(['decoder_model_merged.onnx']),
      'onnx/decoder_model_merged.onnx: file is empty (0 bytes)',
    ],
    [
      model(['vision_encoder.onnx']),
      'onnx/vision_encoder.onnx: not a valid ONNX model (truncated or damaged: protobuf parsing failed)',
    ],
  ];
  for (const [c, text] of clear) assert.ok(isClear(c, text), text);
});

test('a problem phrase must lie outside the names: a name alone is not a problem', () => {
  // `header` and `message` are frame names; a problem phrase around them still counts,
  // but the names by themselves say nothing is wrong.
  assert.equal(isClear(frame, 'vlm server: message header: Content-Length 12'), false);
  assert.equal(isClear(file('png-empty.png'), 'png-empty.png: cannot read'), false);
  assert.equal(isClear(file('missing-moov.mp4'), 'vlm ask: missing-moov.mp4: exit 1'), false);
  // A name with a space is cut by the path pattern; its tail is still the name.
  assert.equal(isClear(file('a truncated.png'), 'vlm ask: /t/a truncated.png: exit 1'), false);
});

test('messages that must stay unclear', () => {
  // Raw decoder text, with no plain problem phrase of its own.
  assert.equal(
    isClear(
      file('png-cut-at-half.png'),
      'ask_video: /t/png-cut-at-half.png: cannot read the image (vipspng: libpng read error)',
    ),
    false,
  );
  // onnxruntime's C++ source location and signature, even where a problem word follows.
  const raw =
    'onnx/decoder_model_merged.onnx: onnxruntime cannot load it: Load model from /m/onnx/decoder_model_merged.onnx failed:/onnxruntime_src/onnxruntime/core/graph/model.cc:187 onnxruntime::Model::Model(onnx::ModelProto&&, const onnxruntime::PathString&) ModelProto does not have a graph.';
  assert.equal(isClear(model(['decoder_model_merged.onnx']), raw), false);
  assert.equal(
    isClear(
      model(['decoder_model_merged.onnx']),
      'onnx/decoder_model_merged.onnx: /onnxruntime_src/onnxruntime/core/graph/graph.cc:1410 invalid model',
    ),
    false,
  );
  // A bare "Invalid argument", named or not.
  assert.equal(isClear(file('w.webm'), 'vlm ask: /t/w.webm: Invalid argument'), false);
  assert.equal(isClear(file('w.webm'), 'Invalid argument'), false);
  // A params message that names the buffer, not the argument it came from.
  assert.equal(
    isClear(
      param(['image_base64']),
      'analyze_screenshot: image buffer (6 bytes): not an image format that can be read',
    ),
    false,
  );
});

test('a 5xx for a bad input is never clear; the same words in a 4xx are', () => {
  const c = file('png-empty.png');
  const text = 'generation failed: /t/png-empty.png: file is empty (0 bytes)';
  assert.equal(judgeHttpError(c, 500, text), 'unclear');
  assert.equal(judgeHttpError(c, 503, text), 'unclear');
  assert.equal(judgeHttpError(c, 400, text), 'clear');
  assert.equal(judgeHttpError(c, 500, 'Error: x\n    at f (/a.js:1:1)'), 'crash');
});
