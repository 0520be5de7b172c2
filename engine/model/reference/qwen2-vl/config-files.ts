// The JSON files of a Qwen2-VL model folder, with the fields the onnx-community /
// Qwen/Qwen2-VL-2B-Instruct files have, sized from a preset. config.json keeps the text
// fields at the top level as Qwen2-VL-2B's does (newer exports nest them in text_config).
import { QWEN2_VL_DEFAULTS } from '../../adapters/qwen2-vl/image-processor';
import type { Qwen2VlPreset } from './presets';
import { QWEN2_VL_SPECIAL_TOKENS, type Qwen2VlTokenizer } from './tokenizer';

/** Qwen2-VL-Instruct's chat template (chat_template.json, also in tokenizer_config.json). */
export const QWEN2_VL_CHAT_TEMPLATE =
  '{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}' +
  "{% for message in messages %}{% if loop.first and message['role'] != 'system' %}" +
  '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}' +
  "<|im_start|>{{ message['role'] }}\n{% if message['content'] is string %}" +
  "{{ message['content'] }}<|im_end|>\n{% else %}{% for content in message['content'] %}" +
  "{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}" +
  '{% set image_count.value = image_count.value + 1 %}' +
  '{% if add_vision_id %}Picture {{ image_count.value }}: {% endif %}' +
  '<|vision_start|><|image_pad|><|vision_end|>' +
  "{% elif content['type'] == 'video' or 'video' in content %}" +
  '{% set video_count.value = video_count.value + 1 %}' +
  '{% if add_vision_id %}Video {{ video_count.value }}: {% endif %}' +
  '<|vision_start|><|video_pad|><|vision_end|>' +
  "{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n" +
  '{% endif %}{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}';

const TRANSFORMERS_VERSION = '4.46.1';

export function qwen2VlConfigJson(preset: Qwen2VlPreset, tokenizer: Qwen2VlTokenizer) {
  const { text, vision } = preset;
  const special = tokenizer.special;
  const config: Record<string, unknown> = {
    architectures: ['Qwen2VLForConditionalGeneration'],
    attention_dropout: 0.0,
    bos_token_id: special.endOfText,
    eos_token_id: special.imEnd,
    hidden_act: 'silu',
    hidden_size: text.hiddenSize,
    image_token_id: special.imagePad,
    initializer_range: 0.02,
    intermediate_size: text.intermediateSize,
    max_position_embeddings: text.maxPositions,
    max_window_layers: text.numLayers,
    model_type: 'qwen2_vl',
    num_attention_heads: text.numHeads,
    num_hidden_layers: text.numLayers,
    num_key_value_heads: text.numKvHeads,
    rms_norm_eps: text.rmsNormEps,
    rope_scaling: { mrope_section: [...text.mropeSection], rope_type: 'default', type: 'mrope' },
    rope_theta: text.ropeTheta,
    sliding_window: text.maxPositions,
    // The real model ties lm_head to the embedding; the reference decoder has its own lm_head.
    tie_word_embeddings: false,
    torch_dtype: 'float32',
    transformers_version: TRANSFORMERS_VERSION,
    use_cache: true,
    use_sliding_window: false,
    video_token_id: special.videoPad,
    vision_config: {
      depth: vision.depth,
      embed_dim: vision.embedDim,
      hidden_act: 'quick_gelu',
      hidden_size: text.hiddenSize,
      in_channels: vision.inChannels,
      in_chans: vision.inChannels,
      mlp_ratio: vision.mlpRatio,
      model_type: 'qwen2_vl',
      num_heads: vision.numHeads,
      patch_size: vision.patchSize,
      spatial_merge_size: vision.spatialMergeSize,
      spatial_patch_size: vision.patchSize,
      temporal_patch_size: vision.temporalPatchSize,
    },
    vision_end_token_id: special.visionEnd,
    vision_start_token_id: special.visionStart,
    vision_token_id: special.visionPad,
    vocab_size: text.vocabSize,
  };
  if (preset.externalData) {
    // transformers.js fetches `<file>.onnx_data` only when told the file has external data.
    config['transformers.js_config'] = {
      use_external_data_format: {
        'vision_encoder.onnx': 1,
        'embed_tokens.onnx': 1,
        'decoder_model_merged.onnx': 1,
      },
    };
  }
  return config;
}

export function qwen2VlGenerationConfigJson(tokenizer: Qwen2VlTokenizer) {
  const special = tokenizer.special;
  return {
    bos_token_id: special.endOfText,
    eos_token_id: [special.imEnd, special.endOfText],
    pad_token_id: special.endOfText,
    transformers_version: TRANSFORMERS_VERSION,
  };
}

export function qwen2VlPreprocessorConfigJson(preset: Qwen2VlPreset) {
  const { vision, minPixels, maxPixels } = preset;
  return {
    do_convert_rgb: true,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    image_mean: [...QWEN2_VL_DEFAULTS.mean],
    image_processor_type: 'Qwen2VLImageProcessor',
    image_std: [...QWEN2_VL_DEFAULTS.std],
    max_pixels: maxPixels,
    merge_size: vision.spatialMergeSize,
    min_pixels: minPixels,
    patch_size: vision.patchSize,
    processor_class: 'Qwen2VLProcessor',
    resample: QWEN2_VL_DEFAULTS.resample,
    rescale_factor: 1 / 255,
    size: { longest_edge: maxPixels, shortest_edge: minPixels },
    temporal_patch_size: vision.temporalPatchSize,
  };
}

export function qwen2VlChatTemplateJson() {
  return { chat_template: QWEN2_VL_CHAT_TEMPLATE };
}

function tokenEntry(content: string) {
  return { content, lstrip: false, normalized: false, rstrip: false, single_word: false };
}

/** Every added token but <|endoftext|> is an additional special token, as in Qwen2-VL's files. */
const ADDITIONAL_SPECIAL = QWEN2_VL_SPECIAL_TOKENS.slice(1);

export function qwen2VlSpecialTokensMapJson() {
  return {
    additional_special_tokens: ADDITIONAL_SPECIAL,
    eos_token: tokenEntry('<|im_end|>'),
    pad_token: tokenEntry('<|endoftext|>'),
  };
}

export function qwen2VlTokenizerConfigJson(preset: Qwen2VlPreset, tokenizer: Qwen2VlTokenizer) {
  const decoder = Object.fromEntries(
    [...tokenizer.addedTokens].map(([id, content]) => [
      String(id),
      { ...tokenEntry(content), special: true },
    ]),
  );
  return {
    add_prefix_space: false,
    added_tokens_decoder: decoder,
    additional_special_tokens: ADDITIONAL_SPECIAL,
    bos_token: null,
    chat_template: QWEN2_VL_CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    eos_token: '<|im_end|>',
    errors: 'replace',
    model_max_length: preset.text.maxPositions,
    pad_token: '<|endoftext|>',
    padding_side: 'left',
    processor_class: 'Qwen2VLProcessor',
    split_special_tokens: false,
    tokenizer_class: 'Qwen2Tokenizer',
    unk_token: null,
  };
}
