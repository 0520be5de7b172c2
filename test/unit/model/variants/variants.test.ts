// The real exports' quirks, offline: the tiny reference model's q8 (DynamicQuantizeLinear +
// MatMulInteger), q4 (MatMulNBits) and fp16 (float16 weights behind float32 edges)
// variants carry the operators the Hub files carry, load by dtype with their I/O types read
// from the session, answer end to end on a real video, and stay close to float32.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { emptyKvCache, loadModel, type VisionLanguageModel } from '../../../../engine/model';
import { readOnnxModel } from '../../../../engine/model/onnx/model-io';
import { TensorDataType } from '../../../../engine/model/onnx/schema';
import { openStream } from '../../../../engine/stream';
import { adaptModel } from '../../../../engine/stream/model-adapter';
import { smoothImage } from '../tiny-model';
import { REAL, agreementShare, greedy, variantFolder } from './helpers';

let folder: Awaited<ReturnType<typeof variantFolder>>;
const models: Partial<Record<'fp32' | 'q8' | 'q4' | 'fp16', VisionLanguageModel>> = {};

before(async () => {
  folder = await variantFolder(['q8', 'q4', 'fp16']);
  for (const dtype of ['fp32', 'q8', 'q4', 'fp16'] as const)
    models[dtype] = await loadModel(folder.dir, { provider: 'cpu', dtype });
});

after(async () => {
  await Promise.all(Object.values(models).map((m) => m?.dispose()));
  folder?.cleanup();
});

const graph = (file: string) => readOnnxModel(join(folder.dir, 'onnx', file)).graph;
const ops = (file: string) => new Set(graph(file).node.map((n) => n.op_type));

/** MatMuls whose second input is a float weight: what a quantizer must have replaced. */
function floatWeightMatMuls(file: string): number {
  const g = graph(file);
  const weights = new Set((g.initializer ?? []).map((t) => t.name));
  return g.node.filter((n) => n.op_type === 'MatMul' && weights.has(n.input[1])).length;
}

test('the variants carry the operators of the Hub exports, named as the real repos name them', () => {
  const q8 = ops('decoder_model_merged_quantized.onnx');
  assert.ok(q8.has('DynamicQuantizeLinear') && q8.has('MatMulInteger'));
  assert.equal(floatWeightMatMuls('decoder_model_merged_quantized.onnx'), 0);
  assert.equal(floatWeightMatMuls('vision_encoder_quantized.onnx'), 0);
  const q4 = graph('decoder_model_merged_q4.onnx');
  const nbits = q4.node.filter((n) => n.op_type === 'MatMulNBits');
  // 7 projections per layer and the lm_head.
  assert.equal(nbits.length, 2 * 7 + 1);
  assert.ok(nbits.every((n) => n.domain === 'com.microsoft'));
  assert.equal(floatWeightMatMuls('decoder_model_merged_q4.onnx'), 0);
  const fp16 = graph('decoder_model_merged_fp16.onnx');
  const inits = fp16.initializer ?? [];
  assert.ok(inits.some((t) => t.data_type === TensorDataType.FLOAT16));
  // Only the rotary angles' constants stay float32 (position * inv_freq needs the precision).
  const float32 = new Set(
    inits.filter((t) => t.data_type === TensorDataType.FLOAT).map((t) => t.name),
  );
  const readers = fp16.node.filter((n) => n.input.some((i) => float32.has(i)));
  assert.ok(float32.has('model.rotary_emb.inv_freq'));
  assert.ok(
    readers.every((n) => n.name.startsWith('/model/rotary_emb/')),
    readers.map((n) => n.name).join(', '),
  );
  const edge = [...fp16.input, ...fp16.output].filter((v) => v.name !== 'attention_mask');
  assert.ok(
    edge
      .filter((v) => v.name !== 'position_ids')
      .every((v) => v.type.tensor_type.elem_type === TensorDataType.FLOAT),
    'an fp16 file whose inputs and outputs are float32',
  );
});

test('dtype picks the file by name; its I/O types come from the session, not the name', () => {
  assert.equal(models.q8!.files.decoder.relative, 'onnx/decoder_model_merged_quantized.onnx');
  assert.equal(models.q4!.files.decoder.relative, 'onnx/decoder_model_merged_q4.onnx');
  const fp16 = models.fp16!.files.decoder;
  assert.equal(fp16.relative, 'onnx/decoder_model_merged_fp16.onnx');
  assert.equal(fp16.floatType, 'float32', 'the _fp16 name does not make its inputs float16');
  assert.equal(fp16.floatTypes['past_key_values.0.key'], 'float32');
  assert.equal(models.fp16!.files.vision.floatTypes.pixel_values, 'float32');
});

async function lastLogits(model: VisionLanguageModel, embeds: Float32Array) {
  const n = embeds.length / model.spec.hiddenSize;
  const out = await model.decode({
    inputsEmbeds: embeds,
    positionIds: Array.from({ length: n }, (_, i) => i),
    past: emptyKvCache(model.spec.numLayers),
    lastLogitsOnly: true,
  });
  return out.logits;
}

test('q8 and q4 greedy tokens agree with fp32 on most steps (teacher-forced)', async () => {
  const prompt = await models.fp32!.preparePrompt({
    messages: [
      { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What is shown?' }] },
    ],
    images: [smoothImage(160, 96)],
  });
  const steps = 32;
  const reference = await greedy(models.fp32!, prompt.embeds, steps);
  assert.equal(reference.length, steps);
  const shares: Record<string, number> = {};
  const fp32Logits = await lastLogits(models.fp32!, prompt.embeds);
  for (const dtype of ['q8', 'q4', 'fp16'] as const) {
    // Each variant embeds the prompt with its own embed_tokens and vision encoder.
    const own = await models[dtype]!.preparePrompt({
      messages: [
        { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What is shown?' }] },
      ],
      images: [smoothImage(160, 96)],
    });
    shares[dtype] = await agreementShare(models[dtype]!, own.embeds, reference);
    const free = await greedy(models[dtype]!, own.embeds, steps);
    const firstDiff = free.findIndex((t, i) => t !== reference[i]);
    console.log(
      `${dtype} free-running greedy: ${firstDiff === -1 ? `all ${steps}` : `first ${firstDiff}`} tokens equal to fp32's, ${free.filter((t, i) => t === reference[i]).length}/${steps} positions`,
    );
    const logits = await lastLogits(models[dtype]!, own.embeds);
    const diff = Math.max(...logits.map((v, i) => Math.abs(v - fp32Logits[i])));
    assert.ok(
      diff > 1e-4,
      `${dtype} computes other numbers than fp32 (max logit difference ${diff})`,
    );
  }
  console.log(
    `greedy agreement with fp32 over ${steps} steps: ${Object.entries(shares)
      .map(([d, s]) => `${d} ${(100 * s).toFixed(0)}%`)
      .join(', ')}`,
  );
  assert.ok(shares.q8 > 0.5, `q8 agrees on ${shares.q8}`);
  assert.ok(shares.q4 > 0.5, `q4 agrees on ${shares.q4}`);
  assert.ok(shares.fp16 > 0.5, `fp16 agrees on ${shares.fp16}`);
});

for (const dtype of ['q8', 'q4', 'fp16'] as const)
  test(`${dtype}: a real video is encoded, offloaded, retrieved with query vectors and answered`, async () => {
    const model = models[dtype]!;
    const warnings: string[] = [];
    const stream = await openStream(join(REAL, 'dog-in-basket-fireplace.mp4'), {
      model: adaptModel(model),
      recentBlocks: 1,
      scorer: 'queries',
      memoryBudget: 1e9,
      onWarning: (w) => warnings.push(w),
    });
    try {
      await stream.ready;
      const result = await stream.ask('Where is the dog?', { maxTokens: 6 });
      assert.ok(result.cache.framesEncoded >= 2, 'the video gave frames');
      assert.ok(result.cache.retrievable.blocks >= 1, 'older frames were offloaded');
      assert.ok(result.evidence.length >= 1, 'retrieval returned evidence');
      assert.ok(result.answer.length > 0);
      // Quantizers keep q_proj's output tensor name, so queries are read from these graphs too.
      assert.equal(model.supportsQueries, true);
      assert.deepEqual(warnings.concat(model.warnings), []);
    } finally {
      await stream.close();
    }
  });
