// Spans whose tokens take fewer positions than they have (an image under M-RoPE): moving a
// whole span, unrotating it for retrieval, assembling spans one after another by extent,
// and keeping the layout through the block codec.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { assembleCache, blockFromCache, spansExtent } from '../../../engine/cache/block';
import { decodeBlock, encodeBlock } from '../../../engine/cache/block-codec';
import { applyMrope, type MropeSettings } from '../../../engine/cache/mrope';
import { unrotateKeys } from '../../../engine/cache/rope';
import { copyMovedKeys, unrotateSpanKeys } from '../../../engine/cache/span-keys';
import { ropeIndex } from '../../../engine/model/adapters/qwen2-vl/positions';
import type { TextModelSpec } from '../../../engine/model/contract';
import {
  layoutFromJson,
  layoutToJson,
  positionsAt,
  type SpanLayout,
} from '../../../engine/model/positions';
import { maxDiff, randomVectors } from './vectors';

const spec: TextModelSpec = {
  numLayers: 1,
  numHeads: 2,
  numKvHeads: 2,
  headDim: 16,
  hiddenSize: 32,
  vocabSize: 100,
  maxPositions: 4096,
  rope: { theta: 10_000, rotaryDim: 16, mropeSection: [2, 3, 3] },
};
const settings: MropeSettings = { theta: 10_000, headDim: 16, section: [2, 3, 3] };
const heads = spec.numKvHeads;

/** "Frame:" text (2 tokens), an image of merged grid 1 x 2 x 3 (6 tokens, 3 positions), one more token. */
function frameLayout(): SpanLayout {
  const tokens = { imageTokenId: 9, videoTokenId: 8, visionStartTokenId: 7 };
  const ids = [1, 7, 9, 9, 9, 9, 9, 9, 6, 2];
  const { positions } = ropeIndex(ids, tokens, [{ t: 1, h: 4, w: 6 }]);
  let max = 0;
  for (const v of positions.ids) max = Math.max(max, v);
  return { offsets: positions.ids, tokens: positions.length, extent: max + 1 };
}

function keysAt(raw: Float32Array, layout: SpanLayout, start: number): Float32Array {
  const ids = positionsAt(layout, start).flat();
  return applyMrope(raw, heads, layout.tokens, settings, { ids, length: layout.tokens });
}

test('a frame of 10 tokens with a 2x3 image takes 7 positions', () => {
  const layout = frameLayout();
  assert.equal(layout.tokens, 10);
  // 2 text tokens (0, 1), the image from 2 taking max(1, 2, 3) = 3, then 5, 6.
  assert.equal(layout.extent, 7);
});

test('moving a whole span re-rotates every token to the keys computed at the new start', () => {
  const layout = frameLayout();
  const raw = randomVectors(heads * layout.tokens * spec.headDim, 11);
  for (const [from, to] of [
    [3, 40],
    [900, 12],
    [5, 5],
  ]) {
    const moved = new Float32Array(raw.length);
    const span = { key: keysAt(raw, layout, from), tokens: layout.tokens, layout };
    copyMovedKeys(span, moved, layout.tokens, 0, heads, spec.headDim, spec.rope, from, to);
    assert.ok(maxDiff(moved, keysAt(raw, layout, to)) < 1e-5, `${from} -> ${to}`);
  }
});

test('unrotating a span uses its layout: one position per token would be wrong', () => {
  const layout = frameLayout();
  const raw = randomVectors(heads * layout.tokens * spec.headDim, 12);
  const keys = keysAt(raw, layout, 30);
  const span = { key: keys, tokens: layout.tokens, layout };
  assert.ok(maxDiff(unrotateSpanKeys(span, heads, spec.headDim, spec.rope, 30), raw) < 1e-5);
  const asText = unrotateKeys(keys, heads, layout.tokens, spec.headDim, spec.rope, 30);
  assert.ok(maxDiff(asText, raw) > 0.1);
});

test('spans are assembled one after another by extent, each at its new start', () => {
  const layout = frameLayout();
  const sinkRaw = randomVectors(heads * 3 * spec.headDim, 1);
  const frameRaw = [2, 3].map((seed) => randomVectors(heads * layout.tokens * spec.headDim, seed));
  const text = (raw: Float32Array, start: number, n: number) =>
    applyMrope(raw, heads, n, settings, {
      ids: [0, 1, 2].flatMap(() => Array.from({ length: n }, (_, j) => start + j)),
      length: n,
    });
  const sink = {
    kv: [{ key: text(sinkRaw, 0, 3), value: sinkRaw }],
    tokenCount: 3,
    keyPosition: 0,
  };
  // Both frames were encoded elsewhere (at 500 and 80) and now follow the sink.
  const frames = frameRaw.map((raw, i) => ({
    kv: [{ key: keysAt(raw, layout, [500, 80][i]), value: raw }],
    tokenCount: layout.tokens,
    keyPosition: [500, 80][i],
    layout,
  }));
  const spans = [sink, ...frames];
  assert.equal(spansExtent(spans), 3 + 7 + 7);
  const cache = assembleCache(spans, spec);
  assert.equal(cache.length, 3 + 10 + 10);
  const second = blockFromCache(cache, 13, 10, { id: 1, frameIndex: 1, timeSec: 1 }, spec, 10);
  assert.ok(maxDiff(second.kv[0].key, keysAt(frameRaw[1], layout, 10)) < 1e-5);
  const first = blockFromCache(cache, 3, 10, { id: 0, frameIndex: 0, timeSec: 0 }, spec, 3);
  assert.ok(maxDiff(first.kv[0].key, keysAt(frameRaw[0], layout, 3)) < 1e-5);
});

test('a block keeps its layout through the codec; a layout that does not fit is refused', () => {
  const layout = frameLayout();
  const raw = randomVectors(heads * layout.tokens * spec.headDim, 4);
  const cache = { layers: [{ key: keysAt(raw, layout, 20), value: raw }], length: 10 };
  const block = blockFromCache(
    cache,
    0,
    10,
    { id: 3, frameIndex: 3, timeSec: 3 },
    spec,
    20,
    layout,
  );
  const back = decodeBlock(encodeBlock(block, 8, heads, spec.headDim), 'b.kvb');
  assert.deepEqual(back.layout, layout);
  assert.equal(back.keyPosition, 20);
  // Representatives are position-free: the mean of the unrotated keys.
  assert.ok(maxDiff(block.representatives[0], meanPerHead(raw, 10)) < 1e-5);
  assert.throws(() => layoutFromJson({ ...layoutToJson(layout), extent: 2 }, 10), /does not fit/);
  assert.throws(() => layoutFromJson(layoutToJson(layout), 9), /does not fit/);
});

function meanPerHead(x: Float32Array, n: number): Float32Array {
  const d = spec.headDim;
  const out = new Float32Array(heads * d);
  for (let h = 0; h < heads; h++)
    for (let t = 0; t < n; t++)
      for (let i = 0; i < d; i++) out[h * d + i] += x[(h * n + t) * d + i] / n;
  return out;
}
