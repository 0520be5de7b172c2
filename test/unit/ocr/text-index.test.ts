// The text index over a generated recording whose text and timing are known: OCR runs
// only on frames the gate passes, search finds the first appearance within one sampled
// frame, and the index survives a JSON round trip.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { OcrEngine } from '../../../engine/ocr/engine';
import { buildTextIndex, TextIndex, type TextIndexStats } from '../../../engine/ocr/text-index';
import {
  generateRecording,
  RECORDING_FPS,
  RECORDING_SECONDS,
  TYPE_ERROR_AT_SEC,
} from './recording';

let engine: OcrEngine;
let index: TextIndex;
let stats: TextIndexStats;

before(async () => {
  engine = await OcrEngine.create({ provider: 'cpu' });
  ({ index, stats } = await buildTextIndex(await generateRecording(), {
    engine,
    fps: RECORDING_FPS,
  }));
});
after(() => engine.release());

test('only frames the gate passed are OCRed', () => {
  assert.equal(stats.framesDecoded, RECORDING_FPS * RECORDING_SECONDS);
  // The first frame and the frame where the error line appears; compression noise may add one.
  assert.ok(
    stats.framesIndexed >= 2 && stats.framesIndexed <= 3,
    `indexed ${stats.framesIndexed} frames`,
  );
  assert.equal(index.frames.length, stats.framesIndexed);
});

test('lines unchanged since an earlier frame are not read again', () => {
  // "$ npm run build" and "Build started" stay put when the error line appears.
  assert.ok(stats.cropsReused >= 2, `reused ${stats.cropsReused}, read ${stats.cropsRead}`);
  const last = index.frames[index.frames.length - 1].texts.map((t) => t.text);
  assert.ok(
    last.includes('Build started') && last.includes('$ npm run build'),
    JSON.stringify(last),
  );
});

test("'TypeError' is found at its first appearance, within one sampled frame", () => {
  const [hit] = index.search('TypeError');
  assert.ok(
    hit,
    `no hit; frames: ${JSON.stringify(index.frames.map((f) => f.texts.map((t) => t.text)))}`,
  );
  assert.match(hit.text, /TypeError: cannot read property/);
  assert.ok(
    Math.abs(hit.timeSec - TYPE_ERROR_AT_SEC) <= 1 / RECORDING_FPS,
    `first seen at ${hit.timeSec}s`,
  );
  assert.ok(hit.box.y > 90 && hit.box.y < 125 && hit.box.x < 40, `box ${JSON.stringify(hit.box)}`);
  const build = index.search('build started')[0];
  assert.equal(build.timeSec, 0);
  assert.equal(index.search('ReferenceError').length, 0);
});

test('the index round-trips through JSON and feeds retrieval as a text-evidence source', async () => {
  const copy = TextIndex.fromJSON(JSON.parse(JSON.stringify(index)));
  assert.deepEqual(copy.search('TypeError'), index.search('TypeError'));
  const hits = await copy.evidenceSource().search('typeerror');
  assert.ok(
    hits.length >= 1 && hits.every((h) => h.timeSec >= TYPE_ERROR_AT_SEC - 1 / RECORDING_FPS),
  );
});

test('without the gate every sampled frame is OCRed', async () => {
  // 1 fps keeps this cheap: five small OCR runs.
  const result = await buildTextIndex(await generateRecording(), { engine, fps: 1, gate: false });
  assert.equal(result.stats.framesIndexed, result.stats.framesDecoded);
});
