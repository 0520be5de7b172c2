// smolvlm-256m-shape without generating its weights: the config and shape arithmetic, the
// graphs' tensor shapes and parameter count (built with a store that keeps no data), and
// SmolVLM-256M's special token ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OnnxModel, OnnxTensor } from '../../../../engine/model/onnx/model-io';
import { valueInfoShape } from '../../../../engine/model/onnx/model-io';
import type { FloatFill, TensorStore } from '../../../../engine/model/onnx/tensor-store';
import {
  configJson,
  preprocessorConfigJson,
  processorConfigJson,
} from '../../../../engine/model/reference/config-files';
import { buildDecoderGraph } from '../../../../engine/model/reference/decoder-graph';
import { buildEmbedGraph } from '../../../../engine/model/reference/embed-graph';
import { buildVisionGraph } from '../../../../engine/model/reference/vision-graph';
import {
  REFERENCE_PRESETS,
  imageSeqLen,
  kvBytesPerToken,
  referencePreset,
} from '../../../../engine/model/reference/presets';
import { buildTokenizer } from '../../../../engine/model/reference/tokenizer-builder';

/** Records tensor shapes; never asks for values. */
class ShapeOnlyStore implements TensorStore {
  parameters = 0;
  addFloat(name: string, dims: number[], _fill: FloatFill): OnnxTensor {
    this.parameters += dims.reduce((a, b) => a * b, 1);
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

const preset = referencePreset('smolvlm-256m-shape');

function build(builder: typeof buildDecoderGraph): { graph: OnnxModel; parameters: number } {
  const store = new ShapeOnlyStore();
  const graph = builder(preset, 1, store);
  return { graph, parameters: store.parameters };
}

const shapeOf = (graph: OnnxModel, name: string) =>
  valueInfoShape([...graph.graph.input, ...graph.graph.output].find((v) => v.name === name)!);

test('the presets are tiny and smolvlm-256m-shape, then the Qwen2-VL family', () => {
  assert.deepEqual(
    [...REFERENCE_PRESETS],
    ['tiny', 'smolvlm-256m-shape', 'qwen2-vl-tiny', 'qwen2-vl-2b-shape'],
  );
  assert.throws(() => referencePreset('qwen2-vl-tiny'), /Qwen2-VL family/);
  assert.throws(
    () => referencePreset('big'),
    /unknown reference model preset "big"; expected one of tiny, smolvlm-256m-shape/,
  );
});

test('smolvlm-256m-shape has SmolVLM-256M-Instruct config values', () => {
  const config = configJson(preset, buildTokenizer(preset.text.vocabSize));
  const text = config.text_config as Record<string, unknown>;
  assert.deepEqual(
    [
      text.num_hidden_layers,
      text.hidden_size,
      text.num_attention_heads,
      text.num_key_value_heads,
      text.head_dim,
      text.intermediate_size,
      text.vocab_size,
      text.max_position_embeddings,
      text.rope_theta,
    ],
    [30, 576, 9, 3, 64, 1536, 49280, 8192, 100000],
  );
  const vision = config.vision_config as Record<string, unknown>;
  assert.deepEqual(
    [
      vision.num_hidden_layers,
      vision.hidden_size,
      vision.num_attention_heads,
      vision.patch_size,
      vision.image_size,
    ],
    [12, 768, 12, 16, 512],
  );
  assert.equal(config.scale_factor, 4);
  assert.equal(imageSeqLen(preset), 64);
  assert.equal(processorConfigJson(preset).image_seq_len, 64);
  assert.deepEqual(preprocessorConfigJson(preset).size, { longest_edge: 2048 });
  assert.deepEqual(preprocessorConfigJson(preset).max_image_size, { longest_edge: 512 });
  assert.deepEqual(config['transformers.js_config'], {
    use_external_data_format: { 'vision_encoder.onnx': 1, 'decoder_model_merged.onnx': 1 },
  });
});

test('smolvlm-256m-shape KV arithmetic: 45 KiB per token, 2.8 MiB per 64-token tile', () => {
  assert.equal(kvBytesPerToken(preset), 30 * 2 * 3 * 64 * 4);
  assert.equal(kvBytesPerToken(preset), 45 * 1024);
  assert.equal(kvBytesPerToken(preset) * imageSeqLen(preset), 2_949_120);
});

test('smolvlm-256m-shape tokenizer puts the special tokens at SmolVLM-256M ids', () => {
  const tokenizer = buildTokenizer(49280);
  assert.equal(tokenizer.special.globalImage, 49152);
  assert.equal(tokenizer.special.fakeTokenAroundImage, 49189);
  assert.equal(tokenizer.special.image, 49190);
  assert.equal(tokenizer.special.endOfUtterance, 49279);
  assert.equal(tokenizer.addedTokens.get(49153), '<row_1_col_1>');
  assert.equal(tokenizer.addedTokens.get(49188), '<row_6_col_6>');
  const model = tokenizer.json.model as { vocab: Record<string, number>; merges: unknown[] };
  assert.equal(Object.keys(model.vocab).length, 49152);
  assert.equal(model.merges.length, 49152 - 3 - 256);
});

test('smolvlm-256m-shape graphs: tensor shapes and about 256M parameters', () => {
  const decoder = build(buildDecoderGraph);
  const vision = build(buildVisionGraph);
  const embed = build(buildEmbedGraph);
  assert.deepEqual(shapeOf(decoder.graph, 'inputs_embeds'), ['batch_size', 'sequence_length', 576]);
  assert.deepEqual(shapeOf(decoder.graph, 'past_key_values.29.value'), [
    'batch_size',
    3,
    'past_sequence_length',
    64,
  ]);
  assert.deepEqual(shapeOf(decoder.graph, 'present.29.key'), [
    'batch_size',
    3,
    'total_sequence_length',
    64,
  ]);
  assert.deepEqual(shapeOf(decoder.graph, 'logits'), ['batch_size', 'sequence_length', 49280]);
  assert.equal(decoder.graph.graph.input.length, 3 + 60);
  assert.deepEqual(shapeOf(vision.graph, 'pixel_values'), [
    'batch_size',
    'num_images',
    3,
    'height',
    'width',
  ]);
  assert.deepEqual(shapeOf(vision.graph, 'image_features'), ['num_images', 64, 576]);
  assert.deepEqual(shapeOf(embed.graph, 'inputs_embeds'), ['batch_size', 'sequence_length', 576]);

  // The decoder's own weights plus the embedding table, vision tower and connector.
  assert.equal(embed.parameters, 49280 * 576);
  const total = decoder.parameters + vision.parameters + embed.parameters;
  assert.ok(total > 240e6 && total < 275e6, `${(total / 1e6).toFixed(1)}M parameters`);
});
