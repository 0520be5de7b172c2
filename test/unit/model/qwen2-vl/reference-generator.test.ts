// The Qwen2-VL reference presets: qwen2-vl-tiny generated into a temp folder (files, graph
// inputs and outputs as onnxruntime sees them, config and tokenizer ids agreeing, the vision
// encoder run on processed images), and qwen2-vl-2b-shape without its weights (config
// values, graph shapes and parameter count with a store that keeps no data, token ids).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { OnnxModel, OnnxTensor } from '../../../../engine/model/onnx/model-io';
import { readOnnxModel, valueInfoShape } from '../../../../engine/model/onnx/model-io';
import type { FloatFill, TensorStore } from '../../../../engine/model/onnx/tensor-store';
import { Qwen2VLImageProcessor } from '../../../../engine/model/adapters/qwen2-vl/image-processor';
import {
  generateReferenceModel,
  readReferenceManifest,
  writeReferenceVariant,
  type GeneratedModel,
} from '../../../../engine/model/reference';
import { buildEmbedGraph } from '../../../../engine/model/reference/embed-graph';
import {
  qwen2VlConfigJson,
  qwen2VlPreprocessorConfigJson,
} from '../../../../engine/model/reference/qwen2-vl/config-files';
import { buildQwen2VlDecoderGraph } from '../../../../engine/model/reference/qwen2-vl/decoder-graph';
import { writeQwen2VlModelFiles } from '../../../../engine/model/reference/qwen2-vl/files';
import { qwen2VlPreset } from '../../../../engine/model/reference/qwen2-vl/presets';
import {
  QWEN2_VL_SPECIAL_TOKENS,
  buildQwen2VlTokenizer,
} from '../../../../engine/model/reference/qwen2-vl/tokenizer';
import { buildQwen2VlVisionGraph } from '../../../../engine/model/reference/qwen2-vl/vision-graph';
import {
  REFERENCE_MODEL_IDS,
  modelFolder,
  ModelChoiceError,
} from '../../../../engine/session/models';
import { noisyImage, qwen2VlTinyModelDir, smoothImage } from '../tiny-model';

type Json = Record<string, unknown>;

let root: string;
let model: GeneratedModel;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'vlm-qwen-ref-'));
  model = await generateReferenceModel({ preset: 'qwen2-vl-tiny', outDir: join(root, 'tiny') });
});

after(() => rmSync(root, { recursive: true, force: true }));

const readJson = (file: string) => JSON.parse(readFileSync(join(model.dir, file), 'utf8')) as Json;
const session = (file: string) =>
  ort.InferenceSession.create(join(model.dir, 'onnx', file), { intraOpNumThreads: 1 });
const shapes = (file: string) => {
  const graph = readOnnxModel(join(model.dir, 'onnx', file)).graph;
  return Object.fromEntries(
    [...graph.input, ...graph.output].map((v) => [v.name, valueInfoShape(v)]),
  );
};

test('qwen2-vl-tiny writes the onnx-community Qwen2-VL folder layout', () => {
  assert.deepEqual([...model.files].sort(), [
    'chat_template.json',
    'config.json',
    'generation_config.json',
    'onnx/decoder_model_merged.onnx',
    'onnx/embed_tokens.onnx',
    'onnx/vision_encoder.onnx',
    'preprocessor_config.json',
    'reference-model.json',
    'special_tokens_map.json',
    'tokenizer.json',
    'tokenizer_config.json',
  ]);
  assert.equal(readReferenceManifest(model.dir)?.preset, 'qwen2-vl-tiny');
  assert.ok(model.bytes < 4 * 1024 * 1024, `${model.bytes} bytes`);
});

test('onnxruntime opens the three graphs; inputs and outputs have the export names and shapes', async () => {
  const expected: Record<string, { inputs: string[]; outputs: string[] }> = {
    'vision_encoder.onnx': { inputs: ['pixel_values', 'grid_thw'], outputs: ['image_features'] },
    'embed_tokens.onnx': { inputs: ['input_ids'], outputs: ['inputs_embeds'] },
    'decoder_model_merged.onnx': {
      inputs: [
        'inputs_embeds',
        'attention_mask',
        'position_ids',
        'past_key_values.0.key',
        'past_key_values.0.value',
        'past_key_values.1.key',
        'past_key_values.1.value',
      ],
      outputs: ['logits', 'present.0.key', 'present.0.value', 'present.1.key', 'present.1.value'],
    },
  };
  for (const [file, names] of Object.entries(expected)) {
    const s = await session(file);
    try {
      assert.deepEqual([...s.inputNames], names.inputs, file);
      assert.deepEqual([...s.outputNames], names.outputs, file);
    } finally {
      await s.release();
    }
  }
  const vision = shapes('vision_encoder.onnx');
  assert.deepEqual(vision.pixel_values, ['num_patches', 3 * 2 * 8 * 8]);
  assert.deepEqual(vision.grid_thw, ['num_images', 3]);
  assert.deepEqual(vision.image_features, ['num_image_tokens', 128]);
  const embed = shapes('embed_tokens.onnx');
  assert.deepEqual(embed.input_ids, ['batch_size', 'sequence_length']);
  assert.deepEqual(embed.inputs_embeds, ['batch_size', 'sequence_length', 128]);
  const decoder = shapes('decoder_model_merged.onnx');
  assert.deepEqual(decoder.inputs_embeds, ['batch_size', 'sequence_length', 128]);
  assert.deepEqual(decoder.attention_mask, ['batch_size', 'total_sequence_length']);
  assert.deepEqual(decoder.position_ids, [3, 'batch_size', 'sequence_length']);
  assert.deepEqual(decoder['past_key_values.1.value'], [
    'batch_size',
    2,
    'past_sequence_length',
    32,
  ]);
  assert.deepEqual(decoder.logits, ['batch_size', 'sequence_length', 512]);
  assert.deepEqual(decoder['present.1.key'], ['batch_size', 2, 'total_sequence_length', 32]);
});

test('config, tokenizer and processor files agree on ids and sizes', () => {
  const config = readJson('config.json');
  const tokenizer = readJson('tokenizer.json') as {
    added_tokens: { id: number; content: string }[];
  };
  const id = (content: string) => tokenizer.added_tokens.find((t) => t.content === content)?.id;
  assert.equal(config.model_type, 'qwen2_vl');
  assert.deepEqual(config.architectures, ['Qwen2VLForConditionalGeneration']);
  assert.equal(config.vision_start_token_id, id('<|vision_start|>'));
  assert.equal(config.vision_end_token_id, id('<|vision_end|>'));
  assert.equal(config.vision_token_id, id('<|vision_pad|>'));
  assert.equal(config.image_token_id, id('<|image_pad|>'));
  assert.equal(config.video_token_id, id('<|video_pad|>'));
  assert.equal(config.eos_token_id, id('<|im_end|>'));
  assert.equal(config.bos_token_id, id('<|endoftext|>'));
  assert.deepEqual(
    tokenizer.added_tokens.map((t) => t.content),
    [...QWEN2_VL_SPECIAL_TOKENS],
  );
  assert.ok((config.vocab_size as number) > Math.max(...tokenizer.added_tokens.map((t) => t.id)));
  assert.deepEqual(config.rope_scaling, {
    mrope_section: [4, 6, 6],
    rope_type: 'default',
    type: 'mrope',
  });
  const vision = config.vision_config as Json;
  assert.equal(vision.hidden_size, config.hidden_size);
  assert.equal(vision.spatial_merge_size, 2);
  const pre = readJson('preprocessor_config.json');
  assert.equal(pre.image_processor_type, 'Qwen2VLImageProcessor');
  assert.deepEqual(
    [pre.patch_size, pre.temporal_patch_size, pre.merge_size, pre.min_pixels, pre.max_pixels],
    [8, 2, 2, 1024, 16384],
  );
  const template = readJson('chat_template.json').chat_template;
  assert.equal(readJson('tokenizer_config.json').chat_template, template);
  assert.match(String(template), /<\|vision_start\|><\|image_pad\|><\|vision_end\|>/);
});

test('the vision encoder merges 2 x 2 patches and attends within each image only', async () => {
  const processor = new Qwen2VLImageProcessor(readJson('preprocessor_config.json'));
  const a = await processor.processFrames([smoothImage(200, 120)]);
  const b = await processor.processFrames([noisyImage(90, 300)]);
  const vision = await session('vision_encoder.onnx');
  const encode = async (items: (typeof a)[]) => {
    const rows = items.reduce((sum, item) => sum + item.numPatches, 0);
    const pixels = new Float32Array(rows * a.patchDim);
    let offset = 0;
    for (const item of items) {
      pixels.set(item.pixelValues, offset);
      offset += item.pixelValues.length;
    }
    const grids = items.flatMap((item) => [item.grid.t, item.grid.h, item.grid.w]);
    const out = await vision.run({
      pixel_values: new ort.Tensor('float32', pixels, [rows, a.patchDim]),
      grid_thw: new ort.Tensor('int64', BigInt64Array.from(grids.map(BigInt)), [items.length, 3]),
    });
    return out.image_features;
  };
  try {
    const alone = await encode([a]);
    assert.deepEqual(alone.dims, [a.numPatches / 4, 128]);
    const both = await encode([a, b]);
    assert.deepEqual(both.dims, [(a.numPatches + b.numPatches) / 4, 128]);
    const aloneB = await encode([b]);
    const all = both.data as Float32Array;
    const split = a.numPatches / 4;
    const diff = (x: Float32Array, y: Float32Array) =>
      x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
    assert.ok(diff(all.subarray(0, split * 128), alone.data as Float32Array) < 1e-5);
    assert.ok(diff(all.subarray(split * 128), aloneB.data as Float32Array) < 1e-5);
  } finally {
    await vision.release();
  }
});

test('ensureReferenceModel caches qwen2-vl-tiny; SmolVLM-only variants refuse the folder', async () => {
  const dir = await qwen2VlTinyModelDir();
  assert.equal(readReferenceManifest(dir)?.preset, 'qwen2-vl-tiny');
  assert.throws(() => writeReferenceVariant(model.dir, 'smolvlm'), /SmolVLM-layout folders/);
  assert.throws(() => writeReferenceVariant(model.dir, 'rope-interleaved'), /SmolVLM-layout/);
});

test('the session offers the reference models but the 9 GB one, and loads qwen2-vl-tiny', async () => {
  assert.deepEqual(REFERENCE_MODEL_IDS, [
    'reference:tiny',
    'reference:smolvlm-256m-shape',
    'reference:qwen2-vl-tiny',
  ]);
  const dir = await modelFolder('reference:qwen2-vl-tiny', root);
  assert.equal(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).model_type, 'qwen2_vl');
  await assert.rejects(
    modelFolder('reference:qwen3-vl', root),
    (error: unknown) => error instanceof ModelChoiceError && error.kind === 'unknown-reference',
  );
});

test('with external data (as qwen2-vl-2b-shape writes it) the graphs open and compute the same', async () => {
  const dir = join(root, 'external');
  const preset = { ...qwen2VlPreset('qwen2-vl-tiny'), externalData: true };
  const files = writeQwen2VlModelFiles(dir, preset, 1234);
  for (const part of ['vision_encoder', 'embed_tokens', 'decoder_model_merged'])
    assert.ok(files.includes(`onnx/${part}.onnx_data`), part);
  const ids = new ort.Tensor('int64', BigInt64Array.from([5n, 6n, 7n]), [1, 3]);
  const embedOf = async (folder: string) => {
    const s = await ort.InferenceSession.create(join(folder, 'onnx', 'embed_tokens.onnx'));
    try {
      return (await s.run({ input_ids: ids })).inputs_embeds.data as Float32Array;
    } finally {
      await s.release();
    }
  };
  assert.deepEqual(await embedOf(dir), await embedOf(model.dir));
  for (const part of ['vision_encoder', 'decoder_model_merged']) {
    const s = await ort.InferenceSession.create(join(dir, 'onnx', `${part}.onnx`));
    await s.release();
  }
});

/** Records tensor shapes; never asks for values. */
class ShapeOnlyStore implements TensorStore {
  parameters = 0;
  addFloat(name: string, dims: number[], _fill: FloatFill): OnnxTensor {
    this.parameters += dims.reduce((x, y) => x * y, 1);
    return {
      name,
      dims,
      data_type: 1,
      data_location: 1,
      external_data: [{ key: 'location', value: 'none' }],
    };
  }
  finish(): number {
    return 0;
  }
}

const big = qwen2VlPreset('qwen2-vl-2b-shape');

test('qwen2-vl-2b-shape has Qwen2-VL-2B-Instruct config values and token ids', () => {
  const tokenizer = buildQwen2VlTokenizer(big.tokenizerSize);
  const config = qwen2VlConfigJson(big, tokenizer);
  assert.deepEqual(
    [
      config.num_hidden_layers,
      config.hidden_size,
      config.num_attention_heads,
      config.num_key_value_heads,
      config.intermediate_size,
      config.vocab_size,
      config.rope_theta,
      config.max_position_embeddings,
    ],
    [28, 1536, 12, 2, 8960, 151936, 1e6, 32768],
  );
  assert.deepEqual((config.rope_scaling as Json).mrope_section, [16, 24, 24]);
  const vision = config.vision_config as Json;
  assert.deepEqual(
    [
      vision.depth,
      vision.embed_dim,
      vision.num_heads,
      vision.mlp_ratio,
      vision.patch_size,
      vision.temporal_patch_size,
      vision.spatial_merge_size,
      vision.hidden_size,
    ],
    [32, 1280, 16, 4, 14, 2, 2, 1536],
  );
  assert.deepEqual(
    [
      config.bos_token_id,
      config.eos_token_id,
      config.vision_start_token_id,
      config.vision_end_token_id,
      config.vision_token_id,
      config.image_token_id,
      config.video_token_id,
    ],
    [151643, 151645, 151652, 151653, 151654, 151655, 151656],
  );
  const pre = qwen2VlPreprocessorConfigJson(big);
  assert.deepEqual([pre.min_pixels, pre.max_pixels, pre.patch_size], [3136, 12845056, 14]);
  assert.deepEqual(config['transformers.js_config'], {
    use_external_data_format: {
      'vision_encoder.onnx': 1,
      'embed_tokens.onnx': 1,
      'decoder_model_merged.onnx': 1,
    },
  });
});

test('qwen2-vl-2b-shape graphs: 1176-value patches, tensor shapes, about 2.4B parameters', () => {
  const build = (builder: (p: typeof big, seed: number, s: TensorStore) => OnnxModel) => {
    const store = new ShapeOnlyStore();
    const graph = builder(big, 1, store);
    const io = Object.fromEntries(
      [...graph.graph.input, ...graph.graph.output].map((v) => [v.name, valueInfoShape(v)]),
    );
    return { io, parameters: store.parameters, inputs: graph.graph.input.length };
  };
  const decoder = build(buildQwen2VlDecoderGraph);
  const vision = build(buildQwen2VlVisionGraph);
  const embed = build(buildEmbedGraph);
  assert.deepEqual(vision.io.pixel_values, ['num_patches', 1176]);
  assert.deepEqual(vision.io.image_features, ['num_image_tokens', 1536]);
  assert.deepEqual(decoder.io.position_ids, [3, 'batch_size', 'sequence_length']);
  assert.deepEqual(decoder.io['past_key_values.27.key'], [
    'batch_size',
    2,
    'past_sequence_length',
    128,
  ]);
  assert.deepEqual(decoder.io.logits, ['batch_size', 'sequence_length', 151936]);
  assert.equal(decoder.inputs, 3 + 56);
  assert.equal(embed.parameters, 151936 * 1536);
  // Qwen2-VL-2B has 2.21B with lm_head tied to the embedding; the reference has its own
  // lm_head (151936 x 1536 = 233M more) and no vision RoPE or biases on patch_embed.
  const total = decoder.parameters + vision.parameters + embed.parameters;
  assert.ok(total > 2.3e9 && total < 2.5e9, `${(total / 1e9).toFixed(3)}B parameters`);
  assert.ok(vision.parameters > 6.0e8 && vision.parameters < 7.0e8, `${vision.parameters}`);
});
