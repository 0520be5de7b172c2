// Query outputs by graph surgery on a decoder whose weights sit in an external
// .onnx_data file (as large exports do): the edited copy must find its weights without
// writing into the model folder, and give the same queries and logits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { emptyKvCache, loadModel } from '../../../engine/model';
import {
  encodeOnnxModel,
  readOnnxModel,
  writeOnnxModel,
} from '../../../engine/model/onnx/model-io';
import { addQueryOutputs, inlineExternalData } from '../../../engine/model/query-outputs';
import { tinyModelDir } from './tiny-model';

/** Moves every initializer of 1 KiB or more into `<file>_data`, as Optimum exports do. */
function externalize(path: string): void {
  const model = readOnnxModel(path);
  const location = `${path.split('/').pop()}_data`;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const tensor of model.graph.initializer ?? []) {
    if (!tensor.raw_data || tensor.raw_data.length < 1024) continue;
    chunks.push(tensor.raw_data);
    tensor.external_data = [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(tensor.raw_data.length) },
    ];
    tensor.data_location = 1;
    offset += tensor.raw_data.length;
    delete tensor.raw_data;
  }
  writeFileSync(join(path, '..', location), Buffer.concat(chunks));
  writeOnnxModel(path, model);
}

test('queries from a decoder with external weights match the inline one; the folder is not written', async () => {
  const source = await tinyModelDir();
  const dir = mkdtempSync(join(tmpdir(), 'vlm-external-'));
  cpSync(source, dir, { recursive: true });
  externalize(join(dir, 'onnx', 'decoder_model_merged.onnx'));
  const before = readdirSync(join(dir, 'onnx')).sort();
  assert.ok(before.includes('decoder_model_merged.onnx_data'));
  const [inline, external] = [await loadModel(source), await loadModel(dir)];
  try {
    assert.deepEqual(external.files.decoder.externalData, ['decoder_model_merged.onnx_data']);
    const step = {
      inputsEmbeds: await inline.embedTokens([5, 6, 7]),
      positionIds: [0, 1, 2],
      past: emptyKvCache(inline.spec.numLayers),
      withQueries: true,
    };
    const [a, b] = [await inline.decode(step), await external.decode(step)];
    assert.deepEqual(b.queries, a.queries);
    assert.deepEqual(b.logits, a.logits);
    assert.deepEqual(
      readdirSync(join(dir, 'onnx')).sort(),
      before,
      'the model folder was written to',
    );
  } finally {
    await inline.dispose();
    await external.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('inlining external weights gives a graph that loads from memory (the fallback path)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlm-external-'));
  try {
    cpSync(await tinyModelDir(), dir, { recursive: true });
    const path = join(dir, 'onnx', 'decoder_model_merged.onnx');
    externalize(path);
    const model = readOnnxModel(path);
    const names = addQueryOutputs(model, 2, 'decoder');
    inlineExternalData(model, join(dir, 'onnx'));
    assert.ok((model.graph.initializer ?? []).every((t) => !t.external_data?.length));
    const session = await ort.InferenceSession.create(encodeOnnxModel(model));
    try {
      for (const name of names) assert.ok(session.outputNames.includes(name));
    } finally {
      await session.release();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a decoder without Optimum q_proj node names fails with a clear message', () => {
  const model = {
    graph: {
      node: [{ name: 'MatMul_12', op_type: 'MatMul', input: [], output: ['x'] }],
      output: [],
    },
  };
  assert.throws(
    () => addQueryOutputs(model as never, 1, 'onnx/decoder_model_merged.onnx'),
    /onnx\/decoder_model_merged\.onnx: node '\/model\/layers\.0\/self_attn\/q_proj\/MatMul' \(or a node writing .*\) not found.*Optimum-style names; no q_proj nodes found/,
  );
});
