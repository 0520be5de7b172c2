// KIVI-style asymmetric quantization of one layer's K or V ([heads, length, headDim]).
// Keys are quantized per channel (one scale/min per (head, dim) over the block's tokens,
// because key outliers sit in fixed channels); values per token (one scale/min per
// (head, token) over headDim). Round-trip error per element is at most scale / 2,
// where scale = (max - min) / (2^bits - 1) of its group.

export type QuantBits = 32 | 8 | 4;
export type QuantAxis = 'channel' | 'token';

export interface QuantizedTensor {
  bits: QuantBits;
  axis: QuantAxis;
  heads: number;
  length: number;
  headDim: number;
  /** bits 8: one byte per element; bits 4: two elements per byte (low nibble first); bits 32: raw float32 bytes. */
  data: Uint8Array;
  /** One per group (empty for bits 32). */
  scale: Float32Array;
  min: Float32Array;
}

function groupCount(axis: QuantAxis, heads: number, length: number, headDim: number): number {
  return axis === 'channel' ? heads * headDim : heads * length;
}

/** The group of element (h, t, d) in [heads, length, headDim] layout. */
function groupOf(axis: QuantAxis, length: number, headDim: number) {
  return axis === 'channel'
    ? (h: number, _t: number, d: number) => h * headDim + d
    : (h: number, t: number) => h * length + t;
}

export function quantize(
  x: Float32Array,
  heads: number,
  length: number,
  headDim: number,
  axis: QuantAxis,
  bits: QuantBits,
): QuantizedTensor {
  if (x.length !== heads * length * headDim)
    throw new Error(`quantize: ${x.length} elements, expected ${heads}x${length}x${headDim}`);
  if (bits === 32) {
    const data = new Uint8Array(x.length * 4);
    new Float32Array(data.buffer).set(x);
    return {
      bits,
      axis,
      heads,
      length,
      headDim,
      data,
      scale: new Float32Array(0),
      min: new Float32Array(0),
    };
  }
  const groups = groupCount(axis, heads, length, headDim);
  const group = groupOf(axis, length, headDim);
  const min = new Float32Array(groups).fill(Infinity);
  const max = new Float32Array(groups).fill(-Infinity);
  forEachElement(heads, length, headDim, (i, h, t, d) => {
    const g = group(h, t, d);
    const v = x[i];
    if (v < min[g]) min[g] = v;
    if (v > max[g]) max[g] = v;
  });
  const levels = (1 << bits) - 1;
  const scale = new Float32Array(groups);
  for (let g = 0; g < groups; g++) scale[g] = (max[g] - min[g]) / levels;
  const codes = new Uint8Array(x.length);
  forEachElement(heads, length, headDim, (i, h, t, d) => {
    const g = group(h, t, d);
    const s = scale[g];
    codes[i] = s > 0 ? Math.min(levels, Math.max(0, Math.round((x[i] - min[g]) / s))) : 0;
  });
  const data = bits === 8 ? codes : packNibbles(codes);
  return { bits, axis, heads, length, headDim, data, scale, min };
}

export function dequantize(q: QuantizedTensor): Float32Array {
  const n = q.heads * q.length * q.headDim;
  if (q.bits === 32)
    return new Float32Array(q.data.buffer.slice(q.data.byteOffset, q.data.byteOffset + n * 4));
  const codes = q.bits === 8 ? q.data : unpackNibbles(q.data, n);
  const group = groupOf(q.axis, q.length, q.headDim);
  const out = new Float32Array(n);
  forEachElement(q.heads, q.length, q.headDim, (i, h, t, d) => {
    const g = group(h, t, d);
    out[i] = q.min[g] + codes[i] * q.scale[g];
  });
  return out;
}

/** The largest round-trip error quantize() promises for this tensor (max over groups of scale/2). */
export function errorBound(q: QuantizedTensor): number {
  let worst = 0;
  for (const s of q.scale) worst = Math.max(worst, s / 2);
  // float32 rounding of min + code * scale adds a few ulps of the group's magnitude.
  let magnitude = 0;
  for (let g = 0; g < q.min.length; g++)
    magnitude = Math.max(magnitude, Math.abs(q.min[g]) + q.scale[g] * ((1 << q.bits) - 1));
  return worst + magnitude * 4e-7;
}

export function quantizedBytes(q: QuantizedTensor): number {
  return q.data.byteLength + q.scale.byteLength + q.min.byteLength;
}

function forEachElement(
  heads: number,
  length: number,
  headDim: number,
  fn: (i: number, h: number, t: number, d: number) => void,
): void {
  let i = 0;
  for (let h = 0; h < heads; h++)
    for (let t = 0; t < length; t++) for (let d = 0; d < headDim; d++) fn(i++, h, t, d);
}

function packNibbles(codes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(codes.length / 2));
  for (let i = 0; i < codes.length; i++) out[i >> 1] |= (codes[i] & 15) << ((i & 1) * 4);
  return out;
}

function unpackNibbles(packed: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (packed[i >> 1] >> ((i & 1) * 4)) & 15;
  return out;
}
