// float16 conversion used for _fp16 / _q4f16 model files (ORT takes float16 as Uint16 bits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floatTensor, fromHalf, readFloats, toHalf } from '../../../engine/model/tensors';

test('float16 bits round-trip exactly for representable values and round to nearest even', () => {
  const exact = [0, 1, -1, 0.5, 2048, 65504, -65504, 2 ** -14, 2 ** -24, 0.333251953125];
  for (const v of exact) assert.equal(fromHalf(toHalf(v)), v, String(v));
  assert.equal(toHalf(1), 0x3c00);
  assert.equal(toHalf(-2), 0xc000);
  assert.equal(fromHalf(toHalf(1 + 2 ** -11)), 1, 'a tie rounds to even');
  assert.equal(fromHalf(toHalf(1 + 3 * 2 ** -11)), 1 + 2 ** -9, 'a tie rounds to even (up)');
  assert.equal(fromHalf(toHalf(1e6)), Infinity);
  assert.ok(Number.isNaN(fromHalf(toHalf(NaN))));
  assert.equal(fromHalf(toHalf(2 ** -26)), 0, 'below half the smallest subnormal');
});

test('float16 tensors read back as float32 within half precision', () => {
  const values = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i) * 10);
  const tensor = floatTensor('float16', values, [10, 10]);
  assert.equal(tensor.type, 'float16');
  const back = readFloats(tensor);
  for (let i = 0; i < values.length; i++)
    assert.ok(Math.abs(back[i] - values[i]) <= Math.abs(values[i]) * 2 ** -11 + 1e-7);
  assert.equal(readFloats(floatTensor('float32', values, [100])), values, 'float32 is not copied');
});
