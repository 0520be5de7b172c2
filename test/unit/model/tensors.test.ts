// float16 conversion used for _fp16 / _q4f16 model files (ORT takes float16 as Uint16 bits),
// and an _fp16 file picked by dtype preference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../../../engine/model';
import { readOnnxModel, writeOnnxModel } from '../../../engine/model/onnx/model-io';
import { TensorDataType } from '../../../engine/model/onnx/schema';
import { floatTensor, fromHalf, readFloats, toHalf } from '../../../engine/model/tensors';
import { tinyModelDir } from './tiny-model';

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

test('an _fp16 graph is chosen by dtype preference and its float16 output reads back as float32', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlm-fp16-'));
  try {
    cpSync(await tinyModelDir(), dir, { recursive: true });
    // embed_tokens is one Gather: storing its table in float16 makes a genuine fp16 export.
    const model = readOnnxModel(join(dir, 'onnx', 'embed_tokens.onnx'));
    const table = model.graph.initializer![0];
    const values = new Float32Array(Uint8Array.from(table.raw_data!).buffer);
    const halves = Uint16Array.from(values, (v) => toHalf(v));
    table.data_type = TensorDataType.FLOAT16;
    table.raw_data = new Uint8Array(halves.buffer);
    model.graph.output[0].type.tensor_type.elem_type = TensorDataType.FLOAT16;
    writeOnnxModel(join(dir, 'onnx', 'embed_tokens_fp16.onnx'), model);

    const fp16 = await loadModel(dir, { dtype: 'fp16' });
    const fp32 = await loadModel(dir, { dtype: 'fp32' });
    try {
      assert.equal(fp16.files.embed.relative, 'onnx/embed_tokens_fp16.onnx');
      assert.equal(fp16.files.embed.floatType, 'float16');
      assert.equal(
        fp16.files.decoder.relative,
        'onnx/decoder_model_merged.onnx',
        'others fall back',
      );
      const [a, b] = [await fp16.embedTokens([1, 2, 3]), await fp32.embedTokens([1, 2, 3])];
      assert.equal(a.length, b.length);
      for (let i = 0; i < a.length; i++)
        assert.ok(Math.abs(a[i] - b[i]) <= Math.abs(b[i]) * 2 ** -11 + 1e-7, `value ${i}`);
    } finally {
      await fp16.dispose();
      await fp32.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
