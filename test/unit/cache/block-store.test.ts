import { strict as assert } from 'node:assert';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BlockStore } from '../../../engine/cache/block-store';
import { decodeBlock, encodeBlock } from '../../../engine/cache/block-codec';
import { MemoryBudget } from '../../../engine/cache/memory-budget';
import { syntheticBlock, tinySpec } from './helpers';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'vlm-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function newStore(
  dir: string | null,
  budgetBytes: number,
  warnings: string[] = [],
  poolBlocks = 2,
) {
  const budget = new MemoryBudget(budgetBytes);
  const store = new BlockStore({
    spec: tinySpec,
    bits: 8,
    budget,
    dir,
    poolBlocks,
    onWarning: (m) => warnings.push(m),
  });
  return { store, budget };
}

const blockBytes = encodeBlock(syntheticBlock(0), 8, tinySpec.numKvHeads, tinySpec.headDim).length;

test('blocks beyond the RAM budget spill to disk atomically and read back equal', (t) => {
  const dir = tempDir(t);
  const { store, budget } = newStore(dir, blockBytes * 3, [], 0);
  for (let i = 0; i < 10; i++) store.put(syntheticBlock(i));
  const s = store.stats();
  assert.equal(s.blocks, 10);
  assert.ok(s.budgetedBytes <= budget.limitBytes, `${s.budgetedBytes} <= ${budget.limitBytes}`);
  assert.equal(s.spills, 7);
  assert.equal(s.evictions, 0);
  const files = readdirSync(dir);
  assert.equal(files.filter((f) => f.endsWith('.kvb')).length, 7);
  assert.equal(files.filter((f) => f.includes('.tmp-')).length, 0, 'no temporary files left');
  const back = store.get(0)!;
  const original = syntheticBlock(0);
  for (let l = 0; l < tinySpec.numLayers; l++)
    for (let i = 0; i < back.kv[l].key.length; i++) {
      assert.ok(Math.abs(back.kv[l].key[i] - original.kv[l].key[i]) < 0.01);
      assert.ok(Math.abs(back.kv[l].value[i] - original.kv[l].value[i]) < 0.01);
    }
});

test('the LRU pool counts hits and misses and stays within its size', (t) => {
  const { store } = newStore(tempDir(t), 1e9, [], 2);
  for (let i = 0; i < 4; i++) store.put(syntheticBlock(i));
  store.get(0);
  store.get(0);
  store.get(1);
  store.get(2); // pushes 0 out of a pool of 2
  store.get(0);
  const s = store.stats();
  assert.equal(s.hits, 1);
  assert.equal(s.misses, 4);
  assert.equal(s.poolBlocks, 2);
});

for (const damage of ['corrupted', 'truncated'] as const)
  test(`a ${damage} block file is detected on read, reported, and never used`, (t) => {
    const dir = tempDir(t);
    const warnings: string[] = [];
    const { store } = newStore(dir, 0, warnings, 0);
    store.put(syntheticBlock(0));
    store.put(syntheticBlock(1));
    const file = join(dir, readdirSync(dir).find((f) => f.includes('00000000'))!);
    if (damage === 'truncated') truncateSync(file, 100);
    else {
      const bytes = readFileSync(file);
      bytes[bytes.length >> 1] ^= 0xff;
      writeFileSync(file, bytes);
    }
    assert.equal(store.get(0), null);
    assert.match(warnings.join('\n'), /integrity check/);
    assert.equal(store.stats().corrupt, 1);
    assert.deepEqual(
      store.metas().map((m) => m.id),
      [1],
      'the damaged block leaves retrieval',
    );
    assert.ok(store.get(1), 'other blocks still load');
  });

test('an unwritable spill directory degrades to RAM with a warning, still within budget', (t) => {
  const dir = tempDir(t);
  const warnings: string[] = [];
  const { store, budget } = newStore(join(dir, 'sub'), blockBytes * 2, warnings, 0);
  // A regular file where the directory should be: unwritable for every user, root included.
  writeFileSync(join(dir, 'sub'), 'not a directory');
  for (let i = 0; i < 5; i++) store.put(syntheticBlock(i));
  assert.match(warnings[0], /cannot write KV blocks .* keeping the cache in RAM only/);
  assert.ok(store.stats().budgetedBytes <= budget.limitBytes);
  assert.equal(store.stats().evictions, 3);
  assert.deepEqual(
    store.metas().map((m) => m.id),
    [3, 4],
    'the newest blocks are kept',
  );
});

test('one budget shared by two stores releases the least recently used payload of either', () => {
  const budget = new MemoryBudget(blockBytes * 3);
  const mk = () =>
    new BlockStore({
      spec: tinySpec,
      bits: 8,
      budget,
      dir: null,
      poolBlocks: 0,
      onWarning: () => {},
    });
  const a = mk();
  const b = mk();
  a.put(syntheticBlock(0));
  b.put(syntheticBlock(1));
  a.put(syntheticBlock(2));
  b.put(syntheticBlock(3)); // over budget: a's block 0 (oldest) goes
  assert.ok(budget.usedBytes() <= budget.limitBytes);
  assert.deepEqual(
    a.metas().map((m) => m.id),
    [2],
  );
  assert.deepEqual(
    b.metas().map((m) => m.id),
    [1, 3],
  );
});

test('the block codec rejects bytes that are not a block', () => {
  assert.throws(
    () => decodeBlock(Buffer.from('hello world, this is not a block at all, no no no'), 'x.kvb'),
    /x\.kvb failed its integrity check/,
  );
});
