// The sizes of the generated Qwen2-VL reference models. `qwen2-vl-2b-shape` copies the layer
// counts and widths of Qwen/Qwen2-VL-2B-Instruct; `qwen2-vl-tiny` keeps the same structure at
// a size where a test runs dozens of decoder steps in a second.
//
// Sources for the 2B numbers (public model files):
// - onnx-community/Qwen2-VL-2B-Instruct config.json (commit 214aa9f): hidden_size 1536,
//   intermediate_size 8960, num_hidden_layers 28, num_attention_heads 12,
//   num_key_value_heads 2, rms_norm_eps 1e-06, rope_theta 1000000.0, rope_scaling
//   mrope_section [16, 24, 24], max_position_embeddings 32768, vocab_size 151936, token ids
//   bos 151643, eos 151645, vision_start 151652, vision_end 151653, vision 151654, image
//   151655, video 151656; its vision_config only {hidden_size 1536, in_chans 3,
//   spatial_patch_size 14}.
// - The vision tower's config as Qwen2-VL-2B's ViT is published (e.g. a ViT-only copy,
//   zszhong/Lyra_Qwen2VL_2B_ViT config.json) and transformers' Qwen2VLVisionConfig
//   defaults: depth 32, embed_dim 1280, num_heads 16, mlp_ratio 4, patch_size 14,
//   temporal_patch_size 2, spatial_merge_size 2, hidden_size (the merger's output) 1536.
// - Qwen/Qwen2-VL-2B preprocessor_config.json: min_pixels 3136, max_pixels 12845056.
import type { TextShape } from '../text-shape';

export interface Qwen2VlTextShape extends TextShape {
  /** rope_scaling.mrope_section: rotary pairs per component [temporal, height, width]. */
  mropeSection: [number, number, number];
}

export interface Qwen2VlVisionShape {
  depth: number;
  embedDim: number;
  numHeads: number;
  mlpRatio: number;
  inChannels: number;
  patchSize: number;
  temporalPatchSize: number;
  spatialMergeSize: number;
  layerNormEps: number;
}

export const QWEN2_VL_REFERENCE_PRESETS = ['qwen2-vl-tiny', 'qwen2-vl-2b-shape'] as const;
export type Qwen2VlPresetName = (typeof QWEN2_VL_REFERENCE_PRESETS)[number];

export interface Qwen2VlPreset {
  family: 'qwen2-vl';
  name: Qwen2VlPresetName;
  text: Qwen2VlTextShape;
  vision: Qwen2VlVisionShape;
  /** Ids the tokenizer defines: the BPE vocabulary, then the 14 special tokens; the embedding has `text.vocabSize` rows (more, as the real model pads to 151936). */
  tokenizerSize: number;
  minPixels: number;
  maxPixels: number;
  /** Put the decoder and vision encoder weights in `.onnx_data` files, as large exports do. */
  externalData: boolean;
}

const PRESETS: Record<Qwen2VlPresetName, Qwen2VlPreset> = {
  'qwen2-vl-tiny': {
    family: 'qwen2-vl',
    name: 'qwen2-vl-tiny',
    text: {
      numLayers: 2,
      hiddenSize: 128,
      numHeads: 4,
      numKvHeads: 2,
      headDim: 32,
      intermediateSize: 256,
      vocabSize: 512,
      maxPositions: 32768,
      ropeTheta: 1000000,
      rmsNormEps: 1e-6,
      // [16, 24, 24] scaled from 64 pairs to 16.
      mropeSection: [4, 6, 6],
    },
    vision: {
      depth: 2,
      embedDim: 32,
      numHeads: 2,
      mlpRatio: 4,
      inChannels: 3,
      // Not 14, so that code assuming Qwen2-VL's 14-pixel patches (1176 values) shows up.
      patchSize: 8,
      temporalPatchSize: 2,
      spatialMergeSize: 2,
      layerNormEps: 1e-6,
    },
    tokenizerSize: 500,
    // 2 x 2 to 8 x 8 merged tokens of 16 x 16 pixels.
    minPixels: 32 * 32,
    maxPixels: 128 * 128,
    externalData: false,
  },
  'qwen2-vl-2b-shape': {
    family: 'qwen2-vl',
    name: 'qwen2-vl-2b-shape',
    text: {
      numLayers: 28,
      hiddenSize: 1536,
      numHeads: 12,
      numKvHeads: 2,
      headDim: 128,
      intermediateSize: 8960,
      vocabSize: 151936,
      maxPositions: 32768,
      ropeTheta: 1000000,
      rmsNormEps: 1e-6,
      mropeSection: [16, 24, 24],
    },
    vision: {
      depth: 32,
      embedDim: 1280,
      numHeads: 16,
      mlpRatio: 4,
      inChannels: 3,
      patchSize: 14,
      temporalPatchSize: 2,
      spatialMergeSize: 2,
      layerNormEps: 1e-6,
    },
    tokenizerSize: 151657,
    minPixels: 3136,
    maxPixels: 12845056,
    externalData: true,
  },
};

export function isQwen2VlPresetName(name: string): name is Qwen2VlPresetName {
  return (QWEN2_VL_REFERENCE_PRESETS as readonly string[]).includes(name);
}

export function qwen2VlPreset(name: string): Qwen2VlPreset {
  if (!isQwen2VlPresetName(name))
    throw new Error(
      `unknown Qwen2-VL reference preset "${name}"; expected one of ${QWEN2_VL_REFERENCE_PRESETS.join(', ')}`,
    );
  return PRESETS[name];
}

/** Values per flattened patch: channels x temporal patch x patch x patch (2B: 1176). */
export function patchValues(vision: Qwen2VlVisionShape): number {
  return vision.inChannels * vision.temporalPatchSize * vision.patchSize ** 2;
}

/** Rows of pixel_values that make one image token (merge² = 4). */
export function patchesPerToken(vision: Qwen2VlVisionShape): number {
  return vision.spatialMergeSize ** 2;
}
