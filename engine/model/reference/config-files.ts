// The JSON files of a SmolVLM / Idefics3 model folder, with the fields and values the real
// HuggingFaceTB/SmolVLM-256M-Instruct files have, sized from a preset.
import { imageSeqLen, type ReferencePreset } from './presets';
import type { BuiltTokenizer } from './tokenizer-builder';

/** SmolVLM's chat template: "User:<image>question<end_of_utterance>\nAssistant:". */
export const CHAT_TEMPLATE =
  "<|im_start|>{% for message in messages %}{{message['role'] | capitalize}}" +
  "{% if message['content'][0]['type'] == 'image' %}{{':'}}{% else %}{{': '}}{% endif %}" +
  "{% for line in message['content'] %}{% if line['type'] == 'text' %}{{line['text']}}" +
  "{% elif line['type'] == 'image' %}{{ '<image>' }}{% endif %}{% endfor %}<end_of_utterance>\n" +
  "{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}";

const TRANSFORMERS_VERSION = '4.46.0';

export function configJson(preset: ReferencePreset, tokenizer: BuiltTokenizer) {
  const { text, vision } = preset;
  const special = tokenizer.special;
  const config: Record<string, unknown> = {
    architectures: ['Idefics3ForConditionalGeneration'],
    image_token_id: special.image,
    model_type: 'idefics3',
    pad_token_id: special.imEnd,
    scale_factor: preset.scaleFactor,
    text_config: {
      architectures: ['LlamaForCausalLM'],
      attention_bias: false,
      attention_dropout: 0.0,
      bos_token_id: special.imStart,
      eos_token_id: special.imEnd,
      head_dim: text.headDim,
      hidden_act: 'silu',
      hidden_size: text.hiddenSize,
      initializer_range: 0.02,
      intermediate_size: text.intermediateSize,
      max_position_embeddings: text.maxPositions,
      mlp_bias: false,
      model_type: 'llama',
      num_attention_heads: text.numHeads,
      num_hidden_layers: text.numLayers,
      num_key_value_heads: text.numKvHeads,
      pad_token_id: special.imEnd,
      pretraining_tp: 1,
      rms_norm_eps: text.rmsNormEps,
      rope_scaling: null,
      rope_theta: text.ropeTheta,
      tie_word_embeddings: false,
      torch_dtype: 'float32',
      use_cache: true,
      vocab_size: text.vocabSize,
    },
    tie_word_embeddings: false,
    torch_dtype: 'float32',
    transformers_version: TRANSFORMERS_VERSION,
    use_cache: true,
    vision_config: {
      hidden_act: 'gelu_pytorch_tanh',
      hidden_size: vision.hiddenSize,
      image_size: vision.imageSize,
      initializer_range: 0.02,
      intermediate_size: vision.intermediateSize,
      layer_norm_eps: vision.layerNormEps,
      max_image_size: { longest_edge: vision.imageSize },
      model_type: 'idefics3_vision',
      num_attention_heads: vision.numHeads,
      num_channels: 3,
      num_hidden_layers: vision.numLayers,
      patch_size: vision.patchSize,
      size: { longest_edge: preset.longestEdge },
    },
    vocab_size: text.vocabSize,
  };
  if (preset.externalData) {
    // transformers.js fetches `<file>.onnx_data` only when told the file has external data.
    config['transformers.js_config'] = {
      use_external_data_format: { 'vision_encoder.onnx': 1, 'decoder_model_merged.onnx': 1 },
    };
  }
  return config;
}

export function generationConfigJson(tokenizer: BuiltTokenizer) {
  const special = tokenizer.special;
  return {
    _from_model_config: true,
    bos_token_id: special.imStart,
    eos_token_id: [special.imEnd, special.endOfUtterance],
    pad_token_id: special.imEnd,
    transformers_version: TRANSFORMERS_VERSION,
  };
}

export function preprocessorConfigJson(preset: ReferencePreset) {
  return {
    do_convert_rgb: true,
    do_image_splitting: true,
    do_normalize: true,
    do_pad: true,
    do_rescale: true,
    do_resize: true,
    image_mean: [0.5, 0.5, 0.5],
    image_processor_type: 'Idefics3ImageProcessor',
    image_std: [0.5, 0.5, 0.5],
    max_image_size: { longest_edge: preset.vision.imageSize },
    processor_class: 'Idefics3Processor',
    resample: 1,
    rescale_factor: 1 / 255,
    size: { longest_edge: preset.longestEdge },
  };
}

export function processorConfigJson(preset: ReferencePreset) {
  return { image_seq_len: imageSeqLen(preset), processor_class: 'Idefics3Processor' };
}

function tokenEntry(content: string) {
  return { content, lstrip: false, normalized: false, rstrip: false, single_word: false };
}

const ADDITIONAL_SPECIAL = ['<fake_token_around_image>', '<image>', '<end_of_utterance>'];

export function specialTokensMapJson() {
  return {
    additional_special_tokens: ADDITIONAL_SPECIAL.map(tokenEntry),
    bos_token: tokenEntry('<|im_start|>'),
    eos_token: tokenEntry('<end_of_utterance>'),
    pad_token: tokenEntry('<|im_end|>'),
    unk_token: tokenEntry('<|endoftext|>'),
  };
}

export function tokenizerConfigJson(preset: ReferencePreset, tokenizer: BuiltTokenizer) {
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
    bos_token: '<|im_start|>',
    chat_template: CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    eos_token: '<end_of_utterance>',
    extra_special_tokens: {},
    legacy: false,
    model_max_length: preset.text.maxPositions,
    pad_token: '<|im_end|>',
    processor_class: 'Idefics3Processor',
    tokenizer_class: 'GPT2Tokenizer',
    truncation_side: 'left',
    unk_token: '<|endoftext|>',
    vocab_size: preset.text.vocabSize,
  };
}
