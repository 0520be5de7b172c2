import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openStream } from '../../../engine/stream';
import type { KvCache } from '../../../engine/model/contract';
import { syntheticModel, tempDir } from '../stream/helpers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function syntheticKv(tokens: number, seed: number, layers: number, size: number): KvCache {
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
  return {
    length: tokens,
    layers: Array.from({ length: layers }, () => ({
      key: Float32Array.from({ length: size }, next),
      value: Float32Array.from({ length: size }, next),
    })),
  };
}

test('2,000 frames with small budgets: resident KV stays within budget and RSS stops growing', async (t) => {
  const model = syntheticModel();
  const { numLayers, numKvHeads, headDim } = model.spec;
  const tokens = 16;
  const budgetBytes = 96 * 1024;
  const recentBlocks = 4;
  const s = await openStream(
    { kind: 'live' },
    {
      model,
      recentBlocks,
      topK: 4,
      memoryBudget: budgetBytes,
      poolBlocks: 4,
      cacheDir: tempDir(t),
    },
  );
  const blockBytes = numLayers * 2 * numKvHeads * tokens * headDim * 4;
  let warmRss = 0;
  for (let i = 0; i < 2000; i++) {
    await s.engine.pushEncodedBlock(
      syntheticKv(tokens, i + 1, numLayers, numKvHeads * tokens * headDim),
      { index: i, timeSec: i },
    );
    if (i % 100 === 99) {
      const st = s.stats();
      assert.ok(st.recent.blocks <= recentBlocks);
      assert.ok(st.recent.ramBytes <= recentBlocks * blockBytes);
      assert.ok(
        st.retrievable.budgetedBytes <= budgetBytes,
        `frame ${i}: ${st.retrievable.budgetedBytes} > ${budgetBytes}`,
      );
      assert.ok(st.memoryBudget.usedBytes <= budgetBytes);
      assert.equal(
        st.retrievable.blocks,
        i + 1 - recentBlocks,
        'nothing is lost: the rest is on disk',
      );
    }
    if (i === 499) {
      gc();
      warmRss = process.memoryUsage().rss;
    }
  }
  gc();
  const growth = process.memoryUsage().rss - warmRss;
  const st = s.stats();
  assert.ok(st.retrievable.diskBytes > 0 && st.retrievable.spills > 1000);
  // 1,500 more frames: only their small representatives (256 B each) and metadata stay in RAM.
  assert.ok(
    growth < 24 * 1024 * 1024,
    `RSS grew ${(growth / 1048576).toFixed(1)} MiB after warm-up`,
  );
  const r = await s.ask('what happened at 0:12?', { maxTokens: 2 });
  assert.ok(r.context.retrieved.includes(12), 'an old block comes back from disk');
  assert.ok(r.cache.retrievable.misses >= 4);
  await s.close();
});
