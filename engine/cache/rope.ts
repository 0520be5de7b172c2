// Re-positioning cached keys: moving a block of keys from the positions it was computed at
// to new positions is a rotation by the angle difference, so no recomputation is needed.
// Layout is HF "rotate_half": within each head, dim i pairs with dim i + rotaryDim/2.
//
// HF graphs compute angles in float32 (inv_freq float32, position * inv_freq rounded to
// float32, then cos/sin). Emulating that rounding makes the re-rotation match keys the graph computes
// at the target position to ~1e-7 instead of ~1e-5 at positions in the thousands.
import type { RopeSettings } from '../model/contract';

const f32 = Math.fround;

/** Inverse frequencies (float32, as HF computes them), with linear scaling applied. */
export function inverseFrequencies(rope: RopeSettings): Float64Array {
  const half = rope.rotaryDim / 2;
  if (!Number.isInteger(half) || half <= 0)
    throw new Error(`rope.rotaryDim must be a positive even number, got ${rope.rotaryDim}`);
  const factor = scalingFactor(rope);
  const out = new Float64Array(half);
  for (let i = 0; i < half; i++) {
    // Computed in double and rounded once, as exporters store the inv_freq constant.
    const base = f32(1 / Math.pow(rope.theta, (2 * i) / rope.rotaryDim));
    out[i] = factor === 1 ? base : f32(base / factor);
  }
  return out;
}

/** Only position-independent scalings can be re-rotated exactly; others are refused by name. */
function scalingFactor(rope: RopeSettings): number {
  const type = rope.scaling?.type;
  if (!type || type === 'default') return 1;
  if (type === 'linear') return rope.scaling!.factor;
  throw new Error(
    `rope_scaling type '${type}' is not supported for key re-rotation (supported: default, linear)`,
  );
}

/** The angle HF uses for one position and one frequency. */
function angle(position: number, invFreq: number): number {
  return f32(f32(position) * invFreq);
}

/** Cached inverse frequencies per settings object (they are read once per model). */
const freqCache = new WeakMap<RopeSettings, Float64Array>();
function freqs(rope: RopeSettings): Float64Array {
  let f = freqCache.get(rope);
  if (!f) {
    f = inverseFrequencies(rope);
    freqCache.set(rope, f);
  }
  return f;
}

/**
 * Copies `length` tokens of keys ([heads, srcLength, headDim] starting at token `srcStart`)
 * into `dst` ([heads, dstLength, headDim] starting at token `dstStart`), rotating token j
 * from position `fromPos + j` to position `toPos + j`. `null` means "not rotated" (pre-RoPE).
 */
export function copyRotated(
  src: Float32Array,
  srcLength: number,
  srcStart: number,
  dst: Float32Array,
  dstLength: number,
  dstStart: number,
  length: number,
  heads: number,
  headDim: number,
  rope: RopeSettings,
  fromPos: number | null,
  toPos: number | null,
): void {
  if (fromPos === toPos) {
    for (let h = 0; h < heads; h++) {
      const s = (h * srcLength + srcStart) * headDim;
      dst.set(src.subarray(s, s + length * headDim), (h * dstLength + dstStart) * headDim);
    }
    return;
  }
  const inv = freqs(rope);
  const half = inv.length;
  const cos = new Float64Array(length * half);
  const sin = new Float64Array(length * half);
  for (let j = 0; j < length; j++) {
    for (let i = 0; i < half; i++) {
      const to = toPos === null ? 0 : angle(toPos + j, inv[i]);
      const from = fromPos === null ? 0 : angle(fromPos + j, inv[i]);
      const d = to - from;
      cos[j * half + i] = Math.cos(d);
      sin[j * half + i] = Math.sin(d);
    }
  }
  for (let h = 0; h < heads; h++) {
    for (let j = 0; j < length; j++) {
      const s = ((h * srcLength + srcStart + j) * headDim) | 0;
      const t = ((h * dstLength + dstStart + j) * headDim) | 0;
      for (let i = 0; i < half; i++) {
        const x1 = src[s + i];
        const x2 = src[s + i + half];
        const c = cos[j * half + i];
        const n = sin[j * half + i];
        dst[t + i] = x1 * c - x2 * n;
        dst[t + i + half] = x2 * c + x1 * n;
      }
      // Dims past rotaryDim (partial rotary) are not rotated.
      for (let i = 2 * half; i < headDim; i++) dst[t + i] = src[s + i];
    }
  }
}

/** Returns keys [heads, length, headDim] rotated from positions fromPos.. to toPos.. (a new array). */
export function rerotateKeys(
  keys: Float32Array,
  heads: number,
  length: number,
  headDim: number,
  rope: RopeSettings,
  fromPos: number | null,
  toPos: number | null,
): Float32Array {
  const out = new Float32Array(keys.length);
  copyRotated(keys, length, 0, out, length, 0, length, heads, headDim, rope, fromPos, toPos);
  return out;
}

/** Applies RoPE at positions start.. to pre-RoPE vectors (used by tests and the synthetic model). */
export function applyRope(
  vectors: Float32Array,
  heads: number,
  length: number,
  headDim: number,
  rope: RopeSettings,
  start: number,
): Float32Array {
  return rerotateKeys(vectors, heads, length, headDim, rope, null, start);
}

/** Removes RoPE from keys computed at positions start.. (position-free vectors for retrieval). */
export function unrotateKeys(
  keys: Float32Array,
  heads: number,
  length: number,
  headDim: number,
  rope: RopeSettings,
  start: number,
): Float32Array {
  return rerotateKeys(keys, heads, length, headDim, rope, start, null);
}
