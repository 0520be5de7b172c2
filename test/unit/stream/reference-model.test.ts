// The cache against the real ONNX runtime on the generated reference model (tiny preset):
// re-rotation matches keys the graph computes at the new positions, and a stream whose
// budgets exceed it answers with the full-cache baseline's logits.
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { emptyCache, sliceCache } from '../../../engine/cache/block';
import { rerotateKeys } from '../../../engine/cache/rope';
import { loadModel, type VisionLanguageModel } from '../../../engine/model';
import { ensureReferenceModel } from '../../../engine/model/reference';
import { openStream, type StreamModel } from '../../../engine/stream';
import { adaptModel } from '../../../engine/stream/model-adapter';
import { colorFrames, maxAbsDiff } from './helpers';

let model: VisionLanguageModel;
let port: StreamModel;

before(async () => {
  model = await loadModel(await ensureReferenceModel('tiny'));
  port = adaptModel(model);
});
after(() => model?.dispose());

test('re-rotation: keys computed at p and rotated by delta equal keys computed at p + delta, every layer', async () => {
  const { spec } = port;
  const { embeds } = await port.embedFrame(colorFrame16(), false);
  const n = embeds.length / spec.hiddenSize;
  const keysAt = async (start: number) => {
    const out = await port.decode({
      inputsEmbeds: embeds,
      positionIds: Array.from({ length: n }, (_, i) => start + i),
      past: emptyCache(spec),
      lastLogitsOnly: true,
    });
    return sliceCache(out.present, 0, n, spec);
  };
  for (const [p, delta] of [
    [0, 37],
    [5, 1500],
    [1800, -1700],
  ]) {
    const [from, to] = [await keysAt(p), await keysAt(p + delta)];
    for (let l = 0; l < spec.numLayers; l++) {
      const moved = rerotateKeys(
        from[l].key,
        spec.numKvHeads,
        n,
        spec.headDim,
        spec.rope,
        p,
        p + delta,
      );
      const diff = maxAbsDiff(moved, to[l].key);
      assert.ok(diff <= 1e-5, `layer ${l}, p=${p}, delta=${delta}: max abs diff ${diff}`);
    }
  }
});

test('equivalence on the ONNX model: budgets larger than the stream give the full-cache logits', async () => {
  const full = await openStream(
    { kind: 'live', frames: colorFrames(6) },
    { model: port, policy: 'full', memoryBudget: 1e9 },
  );
  const rekv = await openStream(
    { kind: 'live', frames: colorFrames(6) },
    { model: port, recentBlocks: 32, topK: 32, memoryBudget: 1e9 },
  );
  await Promise.all([full.ready, rekv.ready]);
  const a = await full.ask('What is shown?', { withLogits: true, maxTokens: 3 });
  const b = await rekv.ask('What is shown?', { withLogits: true, maxTokens: 3 });
  assert.ok(
    maxAbsDiff(a.logits!, b.logits!) <= 1e-4,
    `max abs diff ${maxAbsDiff(a.logits!, b.logits!)}`,
  );
  assert.equal(a.answer, b.answer);
  await Promise.all([full.close(), rekv.close()]);
});

for (const scorer of ['queries', 'keys'] as const)
  test(`retrieval on the ONNX model (${scorer} scorer) brings offloaded frames back`, async () => {
    const s = await openStream(
      { kind: 'live', frames: colorFrames(10) },
      { model: port, scorer, recentBlocks: 2, topK: 3, memoryBudget: 1e9 },
    );
    await s.ready;
    const r = await s.ask('What happened at 0:04?', { maxTokens: 3 });
    assert.equal(r.context.retrieved.length, 3);
    assert.ok(r.context.retrieved.includes(4));
    assert.ok(scorer in r.evidence[0].scores, `scored with the ${scorer} vectors`);
    await s.close();
  });

function colorFrame16() {
  const rgb = Buffer.alloc(16 * 16 * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 7) % 256;
  return { index: 0, timeSec: 1, width: 16, height: 16, rgb };
}
