import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  dequantize,
  errorBound,
  quantize,
  quantizedBytes,
  type QuantAxis,
} from '../../../engine/cache/quant';

function keysWithOutlierChannels(heads: number, length: number, dim: number): Float32Array {
  let s = 11;
  const x = new Float32Array(heads * length * dim);
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const d = i % dim;
    x[i] = ((s / 4294967296) * 2 - 1) * (d % 16 === 3 ? 20 : 1); // a few large channels, as in real keys
  }
  return x;
}

for (const bits of [8, 4] as const)
  for (const axis of ['channel', 'token'] as QuantAxis[])
    test(`int${bits} per-${axis} round trip stays within scale/2 of every group`, () => {
      const [heads, length, dim] = [3, 72, 64];
      const x = keysWithOutlierChannels(heads, length, dim);
      const q = quantize(x, heads, length, dim, axis, bits);
      const y = dequantize(q);
      const bound = errorBound(q);
      let worst = 0;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
      assert.ok(worst <= bound, `max error ${worst} > bound ${bound}`);
      // The stated bound in absolute terms: range/(2*(2^bits-1)); the range is at most 40 here.
      assert.ok(bound <= 40 / (2 * ((1 << bits) - 1)) + 1e-4);
      const fp32Bytes = x.byteLength;
      assert.ok(
        quantizedBytes(q) < fp32Bytes / (bits === 8 ? 3 : 5),
        `int${bits} is smaller than fp32`,
      );
    });

test('per-channel key quantization beats per-token on keys with outlier channels (why KIVI does it)', () => {
  const [heads, length, dim] = [3, 72, 64];
  const x = keysWithOutlierChannels(heads, length, dim);
  const err = (axis: QuantAxis) => {
    const y = dequantize(quantize(x, heads, length, dim, axis, 4));
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += (x[i] - y[i]) ** 2;
    return Math.sqrt(sum / x.length);
  };
  assert.ok(err('channel') < err('token'), `channel ${err('channel')} vs token ${err('token')}`);
});

test('a constant group round-trips exactly; fp32 mode is lossless', () => {
  const x = new Float32Array(2 * 4 * 8).fill(0.25);
  assert.deepEqual(dequantize(quantize(x, 2, 4, 8, 'channel', 8)), x);
  const r = keysWithOutlierChannels(2, 4, 8);
  assert.deepEqual(dequantize(quantize(r, 2, 4, 8, 'token', 32)), r);
});
