// Streaming with multimodal RoPE on the generated qwen2-vl-tiny reference (real ONNX
// sessions): each frame's image takes fewer positions than tokens, so blocks are laid out by
// extent and re-rotated per component. Budgets larger than the stream must give the logits
// of one prefill of the whole prompt at get_rope_index positions; a frame's keys moved by
// rotation must equal the keys the graph computes at the new positions in every layer; and
// over a real screen recording a stream offloads, retrieves, answers, and is saved with its
// layouts (the reopened stream answers with the same logits).
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { emptyCache } from '../../../engine/cache/block';
import { copyMovedKeys } from '../../../engine/cache/span-keys';
import { loadModel, type VisionLanguageModel } from '../../../engine/model';
import { positionRange, positionsAt, type SpanLayout } from '../../../engine/model/positions';
import { ensureReferenceModel } from '../../../engine/model/reference';
import { openStream, type StreamModel } from '../../../engine/stream';
import type { FrameEmbedding } from '../../../engine/stream/model-port';
import { adaptModel } from '../../../engine/stream/model-adapter';
import { colorFrame, colorFrames, maxAbsDiff, tempDir } from './helpers';

const RECORDING = 'test/fixtures/real/lazygit-nuke-working-tree.mp4';

let model: VisionLanguageModel;
let port: StreamModel;

before(async () => {
  model = await loadModel(await ensureReferenceModel('qwen2-vl-tiny'));
  await model.checkRepositioning();
  port = adaptModel(model);
});
after(() => model?.dispose());

type Rows = [number[], number[], number[]];

/** Appends n tokens' positions (laid out by `layout`, or one each) from `start`; returns the next start. */
function place(rows: Rows, start: number, n: number, layout?: SpanLayout): number {
  const add = layout ? positionsAt(layout, start) : [0, 1, 2].map(() => positionRange(start, n));
  add.forEach((row, c) => rows[c].push(...row));
  return start + (layout ? layout.extent : n);
}

test('a frame takes fewer positions than tokens', async () => {
  const { embeds, layout } = await port.embedFrame(colorFrame(0), false);
  assert.ok(layout, 'a Qwen2-VL frame has a layout');
  assert.equal(layout.tokens, embeds.length / port.spec.hiddenSize);
  assert.ok(layout.extent < layout.tokens, `${layout.extent} positions, ${layout.tokens} tokens`);
});

test('budgets larger than the stream give the logits of one prefill of the whole prompt', async () => {
  const frames = 5;
  const stream = await openStream(
    { kind: 'live', frames: colorFrames(frames) },
    { model: port, recentBlocks: 32, topK: 32, memoryBudget: 1e9 },
  );
  await stream.ready;
  const question = 'What changed?';
  const streamed = await stream.ask(question, { withLogits: true, maxTokens: 2 });
  const stats = stream.stats();
  const tokens = stats.sink.tokens + stats.recent.tokens;
  assert.ok(
    stats.positions.window < tokens,
    `${stats.positions.window} positions, ${tokens} tokens`,
  );
  await stream.close();

  const parts: FrameEmbedding[] = [{ embeds: await port.embedPrefix() }];
  for (let i = 0; i < frames; i++) parts.push(await port.embedFrame(colorFrame(i), false));
  parts.push({ embeds: await port.embedQuestion(question) });
  const hidden = port.spec.hiddenSize;
  const rows: Rows = [[], [], []];
  let next = 0;
  for (const part of parts) next = place(rows, next, part.embeds.length / hidden, part.layout);
  const all = new Float32Array(parts.reduce((n, p) => n + p.embeds.length, 0));
  parts.reduce((at, p) => (all.set(p.embeds, at), at + p.embeds.length), 0);
  const once = await port.decode({
    inputsEmbeds: all,
    positionIds: rows,
    past: emptyCache(port.spec),
    lastLogitsOnly: true,
  });
  const diff = maxAbsDiff(once.logits, streamed.logits!);
  assert.ok(diff <= 1e-4, `max abs diff ${diff}`);
});

test("re-rotation: a frame's keys computed at p and moved by delta equal keys computed at p + delta, every layer", async () => {
  const { spec } = port;
  const { embeds, layout } = await port.embedFrame(colorFrame(3), false);
  assert.ok(layout);
  const keysAt = async (start: number) => {
    const out = await port.decode({
      inputsEmbeds: embeds,
      positionIds: positionsAt(layout, start),
      past: emptyCache(spec),
      lastLogitsOnly: true,
    });
    return out.present.layers.map((l) => l.key);
  };
  for (const [p, delta] of [
    [0, 37],
    [500, -480],
    [12, 900],
  ]) {
    const [before, after] = [await keysAt(p), await keysAt(p + delta)];
    before.forEach((key, layer) => {
      const moved = new Float32Array(key.length);
      const span = { key, tokens: layout.tokens, layout };
      copyMovedKeys(
        span,
        moved,
        layout.tokens,
        0,
        spec.numKvHeads,
        spec.headDim,
        spec.rope,
        p,
        p + delta,
      );
      const diff = maxAbsDiff(moved, after[layer]);
      assert.ok(diff < 1e-4, `layer ${layer}, ${p} -> ${p + delta}: ${diff}`);
    });
  }
});

test('over a real screen recording, a stream offloads, retrieves and answers; reopened, it answers the same', async (t) => {
  const cacheDir = tempDir(t, 'vlm-qwen-stream-');
  const options = { recentBlocks: 2, topK: 2, memoryBudget: 1e9, quantBits: 32 as const };
  const stream = await openStream(RECORDING, { ...options, model: port, cacheDir });
  await stream.ready;
  const stats = stream.stats();
  assert.ok(stats.retrievable.blocks >= 2, `${stats.retrievable.blocks} frames offloaded`);
  const question = 'What does the dialog offer?';
  const a = await stream.ask(question, { withLogits: true, maxTokens: 3 });
  assert.equal(a.context.retrieved.length, 2);
  assert.ok(a.answer.length > 0, 'an answer was decoded');
  await stream.close();

  const reopened = await openStream(RECORDING, { ...options, model: port, cacheDir });
  await reopened.ready;
  assert.ok(reopened.reopened, 'the saved stream was reopened');
  const b = await reopened.ask(question, { withLogits: true, maxTokens: 3 });
  await reopened.close();
  assert.deepEqual(b.context.retrieved, a.context.retrieved);
  const diff = maxAbsDiff(a.logits!, b.logits!);
  assert.ok(diff <= 1e-4, `reopened: max abs diff ${diff}`);
});

test('the queries scorer reads pre-RoPE queries from the Qwen2-VL decoder (q_proj with its bias)', async () => {
  const stream = await openStream(
    { kind: 'live', frames: colorFrames(8) },
    { model: port, scorer: 'queries', recentBlocks: 2, topK: 2, memoryBudget: 1e9 },
  );
  await stream.ready;
  const r = await stream.ask('What happened at 0:03?', { maxTokens: 2 });
  await stream.close();
  assert.ok(port.supportsQueries, 'the query graph opened');
  assert.equal(r.context.retrieved.length, 2);
  assert.ok('queries' in r.evidence[0].scores, 'scored with the question queries');
});
