import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { representativeKeys, type KvBlock } from '../../../engine/cache/block';
import { attentionShares, KvWindow, type KvWindowLimits } from '../../../engine/cache/kv-window';
import { heavyHitterPolicy } from '../../../engine/cache/policies/h2o';
import { applyRope } from '../../../engine/cache/rope';
import type { KvCache } from '../../../engine/model/contract';
import { random, tinySpec } from './helpers';

const spec = tinySpec;
const { numKvHeads: heads, headDim } = spec;

/** Per layer, the pre-RoPE keys of each block: the reference the assembled keys are checked against. */
const rawKeys = new Map<number, Float32Array[]>();

/** A block whose keys are its raw keys rotated at keyPosition (as a decoder would store them). */
function block(id: number, tokens: number, keyPosition: number, timeSec = id): KvBlock {
  const rnd = random(id * 31 + 7);
  const raw = Array.from({ length: spec.numLayers }, () =>
    Float32Array.from({ length: heads * tokens * headDim }, rnd),
  );
  rawKeys.set(id, raw);
  const kv = raw.map((r) => ({
    key: applyRope(r, heads, tokens, headDim, spec.rope, keyPosition),
    value: Float32Array.from(r, (x) => x + id),
  }));
  return {
    id,
    frameIndex: id,
    timeSec,
    tokenCount: tokens,
    keyPosition,
    kv,
    representatives: representativeKeys(kv, tokens, keyPosition, spec),
  };
}

const sink = () => block(-1, 6, 0, 0);

function windowWith(limits: Partial<KvWindowLimits>): KvWindow {
  const w = new KvWindow(spec, { maxBlocks: 4, maxTokens: 1000, ...limits });
  w.setSink(sink());
  return w;
}

/** Appends a block of `tokens` tokens the way a stream does: evict for space, then append. */
function push(w: KvWindow, id: number, tokens = 8): number[] {
  const evicted = w.evictForSpace(tokens);
  w.append(block(id, tokens, w.tokens));
  return evicted.map((b) => b.id);
}

/** Token t of head h in one layer's [heads, length, headDim] keys or values. */
function row(x: Float32Array, length: number, h: number, t: number): Float32Array {
  const at = (h * length + t) * headDim;
  return x.subarray(at, at + headDim);
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('count limit: the oldest block leaves first, one per new block, and comes back for offload', () => {
  const w = windowWith({ maxBlocks: 3 });
  const evicted = [0, 1, 2, 3, 4, 5].map((id) => push(w, id));
  assert.deepEqual(evicted, [[], [], [], [0], [1], [2]]);
  assert.deepEqual(
    w.recent.map((b) => b.id),
    [3, 4, 5],
  );
  assert.equal(w.tokens, 6 + 3 * 8);
});

test('planning changes nothing; evict applies the plan and refuses a plan made on an earlier window', () => {
  const w = windowWith({ maxBlocks: 2 });
  push(w, 0);
  push(w, 1);
  const plan = w.planSpace(8);
  assert.deepEqual(
    plan.evicted.map((b) => b.id),
    [0],
  );
  assert.deepEqual(
    plan.kept.map((b) => b.id),
    [1],
  );
  assert.equal(plan.start, 6 + 8, 'incoming tokens start right after sink + kept');
  assert.deepEqual(
    w.recent.map((b) => b.id),
    [0, 1],
    'nothing left yet',
  );
  assert.deepEqual(
    w.evict(plan).map((b) => b.id),
    [0],
  );
  w.append(block(2, 8, plan.start));
  assert.throws(() => w.evict(plan), /plan was made on an earlier window/);
});

test('token budget: blocks leave until sink + kept + incoming fit in maxTokens', () => {
  const w = windowWith({ maxBlocks: 100, maxTokens: 6 + 40 });
  for (let id = 0; id < 5; id++) push(w, id); // 6 + 5 * 8 = 46 positions, exactly full
  assert.equal(w.tokens, 46);
  const plan = w.planSpace(20);
  assert.deepEqual(
    plan.evicted.map((b) => b.id),
    [0, 1, 2],
    '20 incoming tokens need three 8-token blocks out',
  );
  assert.equal(plan.tokens, 6 + 2 * 8 + 20);
  assert.ok(plan.fits && plan.tokens <= 46);
  assert.equal(w.planSpace(8).evicted.length, 1);
  assert.throws(() => w.append(block(9, 1, 46)), /exceed 46 positions; evict for space first/);
});

test('a frame that cannot fit even alone, and an unbounded window at its limit, report fits: false', () => {
  const bounded = windowWith({ maxBlocks: 4, maxTokens: 40 });
  push(bounded, 0);
  const tooBig = bounded.planSpace(35);
  assert.deepEqual([tooBig.fits, tooBig.kept.length, tooBig.tokens], [false, 0, 6 + 35]);
  const unbounded = windowWith({ maxBlocks: Infinity, maxTokens: 6 + 24 });
  for (let id = 0; id < 3; id++) push(unbounded, id);
  const full = unbounded.planSpace(8);
  assert.deepEqual(
    [full.fits, full.evicted.length, full.tokens],
    [false, 0, 6 + 32],
    'an unbounded window never evicts',
  );
});

test('chooseEviction picks the victim: the h2o policy drops the least attended of the older half', () => {
  const w = windowWith({
    maxBlocks: 4,
    chooseEviction: (recent, attention) => heavyHitterPolicy.chooseEviction!(recent, attention),
  });
  for (let id = 0; id < 4; id++) push(w, id);
  // Queries that match block 0's representatives attend it most: block 1 is the least attended.
  const n = 2;
  const queries = w.recent[0].representatives.map((rep) => {
    const q = new Float32Array(spec.numHeads * n * headDim);
    for (let h = 0; h < spec.numHeads; h++)
      for (let t = 0; t < n; t++)
        for (let d = 0; d < headDim; d++)
          q[(h * n + t) * headDim + d] =
            8 * rep[Math.floor(h / (spec.numHeads / heads)) * headDim + d];
    return q;
  });
  const shares = attentionShares(queries, n, w.recent, spec);
  for (const layer of shares)
    assert.ok(Math.abs(layer.reduce((a, b) => a + b, 0) - 1) < 1e-9, 'a softmax per layer');
  w.recordAttention(queries, n, w.recent);
  const older = [0, 1].map((id) => w.attentionOf(id));
  assert.ok(older[0] > older[1], `block 0 attended more (${older})`);
  assert.deepEqual(push(w, 4), [1]);
  assert.equal(w.attentionOf(1), 0, 'an evicted block forgets its attention');
});

test('assemble: sink, retrieved blocks in time order, then recent, at contiguous positions', () => {
  const w = windowWith({ maxBlocks: 2 });
  for (let id = 10; id < 14; id++) push(w, id, 4 + (id % 3)); // recent: 12, 13
  // Retrieved blocks were computed far away and come in score order, not time order.
  const retrieved = [block(7, 5, 900, 7), block(3, 3, 40, 3), block(5, 4, 4000, 5)];
  const context = w.assemble({ retrieved });
  assert.deepEqual(
    context.retrieved.map((b) => b.id),
    [3, 5, 7],
  );
  assert.deepEqual(
    context.recent.map((b) => b.id),
    [12, 13],
  );
  const order = [w.sink!, ...context.retrieved, ...context.recent];
  const expected = order.reduce((n, b) => n + b.tokenCount, 0);
  assert.equal(context.cache.length, expected, 'no gaps, no overlaps');
  let at = 0;
  for (const b of order) {
    assertPlacedAt(context.cache, b, at);
    at += b.tokenCount;
  }
  assert.deepEqual(
    w.assemble({ recent: [] }).cache.length,
    w.sink!.tokenCount,
    'sink only (what question vectors run over)',
  );
});

test('assemble re-rotates keys by the position difference: equal to rotating the raw keys at the target', () => {
  const w = windowWith({ maxBlocks: 4 });
  push(w, 0, 8);
  // Moved forward a lot, backward a lot, and one already at its target (copied as is).
  const far = block(1, 8, 7000, -2);
  const back = block(2, 8, 3, -1);
  const context = w.assemble({ retrieved: [back, far] });
  assert.deepEqual(
    context.retrieved.map((b) => b.id),
    [1, 2],
  );
  assertPlacedAt(context.cache, far, 6);
  assertPlacedAt(context.cache, back, 14);
  const recent = w.recent[0];
  assert.equal(recent.keyPosition, 6, 'appended right after the sink');
  const alone = w.assemble().cache;
  for (let l = 0; l < spec.numLayers; l++)
    for (let h = 0; h < heads; h++)
      for (let t = 0; t < 8; t++)
        assert.deepEqual(
          row(alone.layers[l].key, alone.length, h, 6 + t),
          row(recent.kv[l].key, 8, h, t),
          'a block already at its position is copied bit for bit',
        );
});

/** Block b's keys in `cache` equal its raw keys rotated at at.., and its values are unchanged. */
function assertPlacedAt(cache: KvCache, b: KvBlock, at: number): void {
  const n = b.tokenCount;
  const target = rawKeys.get(b.id)!.map((r) => applyRope(r, heads, n, headDim, spec.rope, at));
  for (let l = 0; l < spec.numLayers; l++)
    for (let h = 0; h < heads; h++)
      for (let t = 0; t < n; t++) {
        const key = row(cache.layers[l].key, cache.length, h, at + t);
        const diff = maxDiff(key, row(target[l], n, h, t));
        // Stored keys are float32: the two routes may round apart by an ulp or two.
        assert.ok(diff <= 1e-6, `block ${b.id}, layer ${l}, head ${h}, token ${t}: ${diff}`);
        assert.deepEqual(
          row(cache.layers[l].value, cache.length, h, at + t),
          row(b.kv[l].value, n, h, t),
        );
      }
}
