// M-RoPE re-rotation: keys computed at positions P and rotated by Δ must equal keys
// computed at P + Δ, section by section; sections whose Δ is 0 must not move; and the
// temporal-only move of a video patch must NOT equal a 1-D re-rotation (which would turn
// the height and width pairs too).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  applyMrope,
  mropeSettingsFromConfig,
  pairSections,
  rerotateMrope,
  shiftMrope,
  shiftPositions,
  unrotateMrope,
  type MropeSettings,
  type Positions3,
} from '../../../engine/cache/mrope';
import { applyRope, rerotateKeys } from '../../../engine/cache/rope';
import {
  concatPositions,
  textPositions,
  visionPositions,
} from '../../../engine/model/adapters/qwen2-vl/positions';
import { maxDiff, randomVectors } from './vectors';

/** Qwen2-VL-2B: head_dim 1536 / 12 = 128, rope_theta 1e6, mrope_section [16, 24, 24]. */
const QWEN2_VL_2B: MropeSettings = { theta: 1_000_000, headDim: 128, section: [16, 24, 24] };
const SMALL: MropeSettings = { theta: 10_000, headDim: 16, section: [2, 3, 3] };
const heads = 2;

/**
 * M-RoPE written the way transformers writes it, independently of engine/cache/mrope.ts:
 * cos/sin over the whole head (cat(freqs, freqs)), split into mrope_section * 2 chunks,
 * chunk k taken from component k % 3, then x * cos + rotate_half(x) * sin. In float64.
 */
function hfMrope(x: Float32Array, length: number, s: MropeSettings, p: Positions3): Float32Array {
  const d = s.headDim;
  const half = d / 2;
  const inv = Array.from({ length: half }, (_, i) => 1 / Math.pow(s.theta, (2 * i) / d));
  const chunks = [...s.section, ...s.section];
  const out = new Float32Array(x.length);
  for (let h = 0; h < heads; h++)
    for (let j = 0; j < length; j++) {
      const cos = new Float64Array(d);
      const sin = new Float64Array(d);
      let dim = 0;
      chunks.forEach((size, k) => {
        for (let e = 0; e < size; e++, dim++) {
          const pos = p.ids[(k % 3) * length + j];
          const a = pos * inv[dim % half];
          cos[dim] = Math.cos(a);
          sin[dim] = Math.sin(a);
        }
      });
      const base = (h * length + j) * d;
      for (let i = 0; i < d; i++) {
        const rotated = i < half ? -x[base + i + half] : x[base + i - half];
        out[base + i] = x[base + i] * cos[i] + rotated * sin[i];
      }
    }
  return out;
}

/** Which dims of a head belong to section c (both halves of each pair). */
function dimsOf(s: MropeSettings, c: number): number[] {
  const sections = pairSections(s);
  const half = s.headDim / 2;
  const out: number[] = [];
  for (let i = 0; i < half; i++) if (sections[i] === c) out.push(i, i + half);
  return out;
}

const image = visionPositions(40, { t: 1, h: 4, w: 6 }); // 6 tokens
const video = visionPositions(300, { t: 3, h: 4, w: 4 }); // 12 tokens
const text = textPositions(1000, 5);

test('pairs are split into temporal, height and width sections by mrope_section', () => {
  const sections = pairSections(QWEN2_VL_2B);
  assert.equal(sections.length, 64);
  assert.deepEqual(
    [0, 1, 2].map((c) => sections.filter((x) => x === c).length),
    [16, 24, 24],
  );
  assert.equal(sections[15], 0);
  assert.equal(sections[16], 1);
  assert.equal(sections[39], 1);
  assert.equal(sections[40], 2);
  assert.throws(
    () => pairSections({ theta: 1e6, headDim: 128, section: [16, 24, 16] }),
    /sums to 56, expected head_dim \/ 2 = 64/,
  );
});

test('applyMrope agrees with the transformers formulation (section * 2 chunks, k % 3)', () => {
  for (const s of [QWEN2_VL_2B, SMALL])
    for (const p of [image, video, text]) {
      const raw = randomVectors(heads * p.length * s.headDim, 11);
      const ours = applyMrope(raw, heads, p.length, s, p);
      assert.ok(maxDiff(ours, hfMrope(raw, p.length, s, p)) < 2e-4, `${s.headDim}`);
    }
});

test('on text (equal components) M-RoPE is 1-D RoPE', () => {
  const s = QWEN2_VL_2B;
  const raw = randomVectors(heads * text.length * s.headDim, 3);
  const m = applyMrope(raw, heads, text.length, s, text);
  const r = applyRope(raw, heads, text.length, s.headDim, { theta: s.theta, rotaryDim: 128 }, 1000);
  assert.ok(maxDiff(m, r) <= 1e-7, `${maxDiff(m, r)}`);
});

for (const [name, s] of [
  ['Qwen2-VL-2B', QWEN2_VL_2B],
  ['small', SMALL],
] as const) {
  test(`rotating keys at P by Δ equals keys computed at P + Δ, per section (${name})`, () => {
    const block = concatPositions([text, image, video]);
    const raw = randomVectors(heads * block.length * s.headDim, 7);
    const atP = applyMrope(raw, heads, block.length, s, block);
    for (const delta of [
      [17, 17, 17],
      [-900, -900, -900],
      [5, 0, 0],
      [0, 3, 0],
      [0, 0, -2],
      [4000, 1, 9],
    ] as [number, number, number][]) {
      const moved = shiftMrope(atP, heads, block.length, s, block, delta);
      const direct = applyMrope(raw, heads, block.length, s, shiftPositions(block, delta));
      assert.ok(maxDiff(moved, direct) <= 1e-5, `Δ=${delta}: ${maxDiff(moved, direct)}`);
      // Sections whose Δ is 0 are left bit for bit.
      for (let c = 0; c < 3; c++) {
        if (delta[c] !== 0) continue;
        for (let t = 0; t < heads * block.length; t++)
          for (const d of dimsOf(s, c))
            assert.equal(moved[t * s.headDim + d], atP[t * s.headDim + d]);
      }
    }
    const back = unrotateMrope(atP, heads, block.length, s, block);
    assert.ok(maxDiff(back, raw) <= 1e-5);
  });
}

test('moving a whole vision item (Δ, Δ, Δ) is the 1-D re-rotation by Δ', () => {
  // Eviction closing a gap or a retrieved block put back elsewhere moves the item's start,
  // so all three components move together: 1-D rotation of every pair by Δ.
  const s = QWEN2_VL_2B;
  const raw = randomVectors(heads * image.length * s.headDim, 21);
  const atP = applyMrope(raw, heads, image.length, s, image);
  const rope = { theta: s.theta, rotaryDim: s.headDim };
  for (const delta of [13, -37, 2500]) {
    const direct = applyMrope(
      raw,
      heads,
      image.length,
      s,
      shiftPositions(image, [delta, delta, delta]),
    );
    const oneD = rerotateKeys(atP, heads, image.length, s.headDim, rope, 40, 40 + delta);
    // Equal up to float32 angle rounding, which 1-D RoPE does at index positions 40 + j
    // instead of the tokens' own components (about position x 2^-24 per angle).
    assert.ok(maxDiff(oneD, direct) <= 1e-3, `Δ=${delta}: ${maxDiff(oneD, direct)}`);
  }
});

test('a temporal-only move of a video patch is caught if done as a 1-D re-rotation', () => {
  // Patch 60 of a long video becomes patch 0 (the video's start unchanged): Δ = (-60, 0, 0).
  // The height and width pairs turn slowly (invFreq <= 1e6^(-16/64) = 0.032 rad per
  // position), so a wrong 1-D move of 2 positions would be off by only ~0.06; a check that
  // must catch it needs a move of tens of positions, as here.
  const s = QWEN2_VL_2B;
  const grid = { t: 1, h: 4, w: 4 };
  const patch = visionPositions(300, grid, 2, 60);
  const raw = randomVectors(heads * patch.length * s.headDim, 5);
  const atP = applyMrope(raw, heads, patch.length, s, patch);
  const target = shiftPositions(patch, [-60, 0, 0]);
  assert.deepEqual(target, visionPositions(300, grid, 2, 0));
  const direct = applyMrope(raw, heads, patch.length, s, target);
  const mrope = rerotateMrope(atP, heads, patch.length, s, patch, target);
  assert.ok(maxDiff(mrope, direct) <= 1e-5);
  // A 1-D re-rotation by Δt turns every pair, height and width ones included.
  const rope = { theta: s.theta, rotaryDim: s.headDim };
  const oneD = rerotateKeys(atP, heads, patch.length, s.headDim, rope, 360, 300);
  assert.ok(maxDiff(oneD, direct) > 0.5, `1-D re-rotation error ${maxDiff(oneD, direct)}`);
  // Its error is all in the height and width sections; the temporal pairs agree (to float32
  // angle rounding: 1-D RoPE rounds angles at index positions 300 + j, not at 300).
  const errorIn = (dims: number[]) => {
    let m = 0;
    for (let t = 0; t < heads * patch.length; t++)
      for (const d of dims)
        m = Math.max(m, Math.abs(oneD[t * s.headDim + d] - direct[t * s.headDim + d]));
    return m;
  };
  assert.ok(errorIn(dimsOf(s, 0)) <= 1e-4, `temporal pairs: ${errorIn(dimsOf(s, 0))}`);
  assert.ok(errorIn([...dimsOf(s, 1), ...dimsOf(s, 2)]) > 0.5);
  // And computing the keys at a uniformly shifted position is just as wrong.
  const uniform = applyMrope(raw, heads, patch.length, s, shiftPositions(patch, [-60, -60, -60]));
  assert.ok(maxDiff(uniform, direct) > 0.5);
});

test('rope settings from Qwen2-VL-2B config.json', () => {
  const config = {
    model_type: 'qwen2_vl',
    hidden_size: 1536,
    num_attention_heads: 12,
    num_key_value_heads: 2,
    rope_theta: 1000000.0,
    rope_scaling: { mrope_section: [16, 24, 24], rope_type: 'default', type: 'default' },
  };
  assert.deepEqual(mropeSettingsFromConfig(config), QWEN2_VL_2B);
  assert.deepEqual(
    mropeSettingsFromConfig({ text_config: config, model_type: 'qwen2_vl' }),
    QWEN2_VL_2B,
  );
  assert.throws(
    () => mropeSettingsFromConfig({ ...config, rope_scaling: { type: 'default' } }),
    /rope_scaling.mrope_section is undefined/,
  );
});
