// The load-time check that the cache's key re-rotation fits the model, and the stream's
// switch when it does not. The tiny reference model passes; its interleaved-RoPE variant
// (same weights, dims paired 2i/2i+1) fails, warns once, and its streams prefill moved
// frames again instead of rotating their keys by the wrong rule.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadModel, type VisionLanguageModel } from '../../../engine/model';
import { emptyCache } from '../../../engine/cache/block';
import { rerotateKeys } from '../../../engine/cache/rope';
import { prefillAgain } from '../../../engine/cache/reprefill';
import { openStream } from '../../../engine/stream';
import { adaptModel } from '../../../engine/stream/model-adapter';
import type { StreamModel } from '../../../engine/stream/model-port';
import { REAL, variantFolder } from '../model/variants/helpers';

let normalFolder: Awaited<ReturnType<typeof variantFolder>>;
let interleavedFolder: Awaited<ReturnType<typeof variantFolder>>;
let normal: VisionLanguageModel;
let interleaved: VisionLanguageModel;
const warnings: string[] = [];

before(async () => {
  normalFolder = await variantFolder([]);
  interleavedFolder = await variantFolder(['rope-interleaved']);
  normal = await loadModel(normalFolder.dir, { provider: 'cpu' });
  interleaved = await loadModel(interleavedFolder.dir, {
    provider: 'cpu',
    onWarning: (w) => warnings.push(w),
  });
});

after(async () => {
  await Promise.all([normal?.dispose(), interleaved?.dispose()]);
  normalFolder?.cleanup();
  interleavedFolder?.cleanup();
});

test('the check passes on rotate-half RoPE and fails, with one warning, on interleaved RoPE', () => {
  assert.equal(normal.repositioning.ok, true);
  assert.ok(normal.repositioning.relativeError! < 1e-4, `${normal.repositioning.relativeError}`);
  assert.deepEqual(normal.warnings, []);
  assert.equal(interleaved.repositioning.ok, false);
  assert.ok(interleaved.repositioning.relativeError! > 0.1);
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0],
    /decoder_model_merged\.onnx: cached keys cannot be moved to new positions for this model: keys encoded \d+ positions later differ .*interleaved pairs.*; re-positioning is off, so retrieved and shifted frames are prefilled again/,
  );
});

test('prefilled again, a moved block holds the keys the model computes at its new place', async () => {
  const { spec } = interleaved;
  const decode = (embeds: Float32Array, start: number, past = emptyCache(spec)) =>
    interleaved.decode({
      inputsEmbeds: embeds,
      positionIds: Array.from({ length: embeds.length / spec.hiddenSize }, (_, i) => start + i),
      past,
      lastLogitsOnly: true,
    });
  const sinkEmbeds = await interleaved.embedTokens([1, 2, 3]);
  const blockEmbeds = await interleaved.embedTokens([40, 41, 42, 43]);
  const sink = (await decode(sinkEmbeds, 0)).present;
  const far = (await decode(blockEmbeds, 700)).present;
  const spans = [
    { id: -1, kv: sink.layers, tokenCount: 3, keyPosition: 0 },
    { id: 7, kv: far.layers, tokenCount: 4, keyPosition: 700 },
  ];
  const context = await prefillAgain(spans, {
    spec,
    embedsOf: (id) => (id === 7 ? blockEmbeds : undefined),
    decode: (step) => interleaved.decode(step),
  });
  const expected = (await decode(blockEmbeds, 3, sink)).present;
  assert.equal(context.cache.length, 7);
  assert.equal(context.extent, 7);
  assert.deepEqual(context.cache.layers[1].key, expected.layers[1].key);
  // Rotating the block's keys by the engine's rule would not give them for this model.
  const rotated = rerotateKeys(
    far.layers[0].key,
    spec.numKvHeads,
    4,
    spec.headDim,
    spec.rope,
    700,
    3,
  );
  const modelKeys = expected.layers[0].key;
  const moved = new Float32Array(rotated.length);
  for (let h = 0; h < spec.numKvHeads; h++)
    moved.set(
      modelKeys.subarray((h * 7 + 3) * spec.headDim, (h * 7 + 7) * spec.headDim),
      h * 4 * spec.headDim,
    );
  const error = Math.max(...rotated.map((v, i) => Math.abs(v - moved[i])));
  assert.ok(error > 0.1, `rotation error ${error}`);
});

/** A port that counts decoder runs. */
function counted(model: VisionLanguageModel): { port: StreamModel; runs: () => number } {
  const port = adaptModel(model);
  let runs = 0;
  return {
    port: { ...port, decode: (step) => (runs++, port.decode(step)) },
    runs: () => runs,
  };
}

async function streamRuns(model: VisionLanguageModel) {
  const { port, runs } = counted(model);
  const streamWarnings: string[] = [];
  const stream = await openStream(join(REAL, 'dog-in-basket-fireplace.mp4'), {
    model: port,
    recentBlocks: 1,
    memoryBudget: 1e9,
    onWarning: (w) => streamWarnings.push(w),
  });
  try {
    await stream.ready;
    const frames = stream.stats().framesEncoded;
    const result = await stream.ask('Where is the dog?', { maxTokens: 1 });
    return { frames, result, runs: runs(), warnings: streamWarnings };
  } finally {
    await stream.close();
  }
}

test('a stream on the interleaved model prefills moved frames again and says why once', async () => {
  const plain = await streamRuns(normal);
  const again = await streamRuns(interleaved);
  assert.deepEqual(plain.warnings, []);
  assert.equal(again.warnings.length, 1);
  assert.match(again.warnings[0], /re-positioning is off/);
  assert.equal(again.frames, plain.frames);
  assert.ok(again.result.context.retrieved.length >= 1, 'a stored frame was retrieved');
  assert.ok(again.result.evidence.length >= 1);
  // Rotation costs no model run; prefilling the moved frames again does.
  assert.ok(
    again.runs > plain.runs,
    `decoder runs: ${again.runs} with re-positioning off, ${plain.runs} with it on`,
  );
});
