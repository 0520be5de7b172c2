import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { applyRope, rerotateKeys, unrotateKeys } from '../../../engine/cache/rope';
import type { RopeSettings } from '../../../engine/model/contract';
import { maxDiff, randomVectors } from './vectors';

const heads = 3;
const length = 5;
const headDim = 64;

for (const [name, rope] of [
  ['full rotary', { theta: 10000, rotaryDim: 64 }],
  ['partial rotary', { theta: 100000, rotaryDim: 32 }],
  ['linear scaling', { theta: 10000, rotaryDim: 64, scaling: { type: 'linear', factor: 2 } }],
] as [string, RopeSettings][]) {
  test(`rotating keys from p by delta equals keys rotated at p + delta (${name})`, () => {
    const raw = randomVectors(heads * length * headDim, 3);
    for (const [p, delta] of [
      [0, 17],
      [4000, -3900],
      [123, 7000],
      [8000, 1],
    ]) {
      const atP = applyRope(raw, heads, length, headDim, rope, p);
      const moved = rerotateKeys(atP, heads, length, headDim, rope, p, p + delta);
      const direct = applyRope(raw, heads, length, headDim, rope, p + delta);
      assert.ok(maxDiff(moved, direct) <= 1e-5, `p=${p} delta=${delta}: ${maxDiff(moved, direct)}`);
      assert.ok(maxDiff(unrotateKeys(atP, heads, length, headDim, rope, p), raw) <= 1e-5);
    }
  });
}

test('partial rotary leaves the dims beyond rotaryDim untouched', () => {
  const rope = { theta: 10000, rotaryDim: 32 };
  const raw = randomVectors(heads * length * headDim, 5);
  const rotated = applyRope(raw, heads, length, headDim, rope, 999);
  for (let h = 0; h < heads * length; h++)
    for (let d = 32; d < headDim; d++) assert.equal(rotated[h * headDim + d], raw[h * headDim + d]);
  assert.ok(maxDiff(rotated, raw) > 0.01, 'the rotary dims did move');
});

test('rope scaling types that depend on sequence length are refused by name', () => {
  const rope = { theta: 10000, rotaryDim: 64, scaling: { type: 'dynamic', factor: 2 } };
  assert.throws(
    () => applyRope(randomVectors(64, 1), 1, 1, 64, rope, 5),
    /rope_scaling type 'dynamic' is not supported/,
  );
});
