// Reading ONNX files back: round trips, external data references, clear errors on broken
// files, and the graph surgery the runtime uses (q_proj outputs as extra graph outputs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  decodeOnnxModel,
  encodeOnnxModel,
  externalDataFiles,
  readOnnxModel,
  valueInfoShape,
  writeOnnxModel,
} from '../../../../engine/model/onnx/model-io';
import { exposeNodeOutputs, queryProjectionNodes } from '../../../../engine/model/onnx/surgery';
import { ExternalTensorStore } from '../../../../engine/model/onnx/tensor-store';
import { buildDecoderGraph } from '../../../../engine/model/reference/decoder-graph';
import { referencePreset } from '../../../../engine/model/reference/presets';
import {
  TINY,
  decode,
  embed,
  emptyPast,
  maxAbsDiff,
  session,
  tinyModel,
  tokenIds,
} from './helpers';

let model: Awaited<ReturnType<typeof tinyModel>>;
let scratch: string;

before(async () => {
  model = await tinyModel();
  scratch = mkdtempSync(join(tmpdir(), 'vlm-onnx-io-'));
});

after(() => {
  model?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

const decoderPath = () => join(model.dir, 'onnx', 'decoder_model_merged.onnx');

test('a generated model reads back with its inputs, outputs, shapes and Optimum node names', () => {
  const decoder = readOnnxModel(decoderPath());
  assert.equal(decoder.opset_import[0].version, 17);
  const input = decoder.graph.input.find((i) => i.name === 'past_key_values.0.key')!;
  assert.deepEqual(valueInfoShape(input), [
    'batch_size',
    TINY.kvHeads,
    'past_sequence_length',
    TINY.headDim,
  ]);
  const names = new Set(decoder.graph.node.map((n) => n.name));
  for (const name of [
    '/model/layers.0/self_attn/q_proj/MatMul',
    '/model/layers.0/self_attn/k_proj/MatMul',
    '/model/layers.1/self_attn/v_proj/MatMul',
    '/model/layers.1/self_attn/o_proj/MatMul',
    '/model/layers.1/mlp/gate_proj/MatMul',
    '/lm_head/MatMul',
  ]) {
    assert.ok(names.has(name), `missing node ${name}`);
  }
  assert.ok(
    decoder.graph.node.every((n) => !n.domain),
    'only standard ONNX ops',
  );
});

test('decode then encode reproduces the file byte for byte', () => {
  const bytes = readFileSync(decoderPath());
  assert.deepEqual(Buffer.from(encodeOnnxModel(decodeOnnxModel(bytes))), bytes);
});

test('a truncated or non-ONNX file gives an error naming the file', () => {
  const truncated = join(scratch, 'truncated.onnx');
  writeFileSync(truncated, readFileSync(decoderPath()).subarray(0, 5000));
  assert.throws(() => readOnnxModel(truncated), /truncated\.onnx.*(truncated|not a valid)/);
  const text = join(scratch, 'text.onnx');
  writeFileSync(text, 'hello, this is not a model');
  assert.throws(() => readOnnxModel(text), /text\.onnx/);
  assert.throws(
    () => readOnnxModel(join(scratch, 'missing.onnx')),
    /cannot read ONNX model .*missing\.onnx/,
  );
});

test('exposing the q_proj outputs adds one graph output per layer with the pre-RoPE queries', async () => {
  const decoder = readOnnxModel(decoderPath());
  const outputs = exposeNodeOutputs(decoder, queryProjectionNodes(TINY.layers));
  assert.deepEqual(outputs, [
    '/model/layers.0/self_attn/q_proj/MatMul_output_0',
    '/model/layers.1/self_attn/q_proj/MatMul_output_0',
  ]);
  assert.throws(
    () => exposeNodeOutputs(decoder, ['/model/layers.9/self_attn/q_proj/MatMul']),
    /no node named/,
  );
  const path = join(scratch, 'decoder_with_queries.onnx');
  writeOnnxModel(path, decoder);

  const withQueries = await ort.InferenceSession.create(path);
  const plain = await session(model.dir, 'decoder_model_merged.onnx');
  const embedder = await session(model.dir, 'embed_tokens.onnx');
  try {
    const ids = tokenIds(6, TINY.vocab);
    const embeds = await embed(embedder, ids);
    const positions = [0, 1, 2, 3, 4, 5];
    const a = await decode(withQueries, embeds, positions, emptyPast(), 0);
    const b = await decode(plain, embeds, positions, emptyPast(), 0);
    assert.deepEqual(a[outputs[0]].dims, [1, 6, TINY.heads * TINY.headDim]);
    assert.ok(maxAbsDiff(a.logits.data as Float32Array, b.logits.data as Float32Array) === 0);
    // Queries are taken before RoPE: they do not change when positions shift.
    const shifted = await decode(
      withQueries,
      embeds,
      positions.map((p) => p + 50),
      emptyPast(),
      0,
    );
    assert.ok(
      maxAbsDiff(a[outputs[1]].data as Float32Array, shifted[outputs[1]].data as Float32Array) <=
        1e-4,
    );
  } finally {
    await Promise.all([withQueries.release(), plain.release(), embedder.release()]);
  }
});

test('external data: weights stream into .onnx_data, page aligned, and the model runs from its folder', async () => {
  const dir = mkdtempSync(join(scratch, 'external-'));
  const store = new ExternalTensorStore(join(dir, 'decoder.onnx_data'), 'decoder.onnx_data');
  const built = buildDecoderGraph(referencePreset('tiny'), 1234, store);
  const dataBytes = store.finish();
  writeOnnxModel(join(dir, 'decoder.onnx'), built);
  const read = readOnnxModel(join(dir, 'decoder.onnx'));
  assert.deepEqual(externalDataFiles(read), ['decoder.onnx_data']);
  const external = read.graph.initializer!.filter((t) => t.data_location === 1);
  assert.ok(external.length > 10);
  for (const tensor of external) {
    const offset = Number(tensor.external_data!.find((e) => e.key === 'offset')!.value);
    assert.equal(offset % 4096, 0, `${tensor.name} offset ${offset} not page aligned`);
  }
  assert.ok(dataBytes > 400_000, `only ${dataBytes} bytes of external data`);

  // Same weights as the inline model: same logits.
  copyFileSync(join(model.dir, 'onnx', 'embed_tokens.onnx'), join(dir, 'embed_tokens.onnx'));
  const viaExternal = await ort.InferenceSession.create(join(dir, 'decoder.onnx'));
  const inline = await session(model.dir, 'decoder_model_merged.onnx');
  const embedder = await session(model.dir, 'embed_tokens.onnx');
  try {
    const embeds = await embed(embedder, [5, 6, 7]);
    const a = await decode(viaExternal, embeds, [0, 1, 2], emptyPast(), 0);
    const b = await decode(inline, embeds, [0, 1, 2], emptyPast(), 0);
    assert.equal(maxAbsDiff(a.logits.data as Float32Array, b.logits.data as Float32Array), 0);
  } finally {
    await Promise.all([viaExternal.release(), inline.release(), embedder.release()]);
  }
});
