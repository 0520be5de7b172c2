// The sizes of the generated reference models. `smolvlm-256m-shape` copies the layer counts
// and widths of HuggingFaceTB/SmolVLM-256M-Instruct; `tiny` keeps the same structure at a
// size where a test runs dozens of decoder steps in a second. The Qwen2-VL family's presets
// (`qwen2-vl-tiny`, `qwen2-vl-2b-shape`) are in qwen2-vl/presets.ts; REFERENCE_PRESETS lists
// both families, referencePreset() returns SmolVLM presets only.
import {
  QWEN2_VL_REFERENCE_PRESETS,
  isQwen2VlPresetName,
  qwen2VlPreset,
  type Qwen2VlPreset,
  type Qwen2VlPresetName,
} from './qwen2-vl/presets';
import type { TextShape } from './text-shape';

export type { TextShape };

export interface VisionShape {
  numLayers: number;
  hiddenSize: number;
  numHeads: number;
  intermediateSize: number;
  patchSize: number;
  /** Tile edge in pixels (vision_config.image_size, max_image_size.longest_edge). */
  imageSize: number;
  layerNormEps: number;
}

/** A SmolVLM (Idefics3) layout preset. */
export interface ReferencePreset {
  family?: 'smolvlm';
  name: SmolVlmPresetName;
  text: TextShape;
  vision: VisionShape;
  /** Pixel-shuffle factor of the connector. */
  scaleFactor: number;
  /** preprocessor size.longest_edge: images are first resized so their longest edge fits. */
  longestEdge: number;
  /** Put the decoder and vision encoder weights in `.onnx_data` files, as large exports do. */
  externalData: boolean;
}

/** The presets the engine runs (the SmolVLM family). */
export const SMOLVLM_REFERENCE_PRESETS = ['tiny', 'smolvlm-256m-shape'] as const;
export type SmolVlmPresetName = (typeof SMOLVLM_REFERENCE_PRESETS)[number];
/** Every preset the generator writes, of both families. */
export const REFERENCE_PRESETS = [
  ...SMOLVLM_REFERENCE_PRESETS,
  ...QWEN2_VL_REFERENCE_PRESETS,
] as const;
export type ReferencePresetName = SmolVlmPresetName | Qwen2VlPresetName;
/** A preset of either family; `family` tells them apart. */
export type AnyReferencePreset = ReferencePreset | Qwen2VlPreset;

const PRESETS: Record<SmolVlmPresetName, ReferencePreset> = {
  tiny: {
    name: 'tiny',
    text: {
      numLayers: 2,
      hiddenSize: 64,
      numHeads: 4,
      numKvHeads: 2,
      headDim: 16,
      intermediateSize: 128,
      vocabSize: 512,
      maxPositions: 2048,
      ropeTheta: 100000,
      rmsNormEps: 1e-5,
    },
    vision: {
      numLayers: 2,
      hiddenSize: 32,
      numHeads: 2,
      intermediateSize: 64,
      patchSize: 8,
      imageSize: 64,
      layerNormEps: 1e-6,
    },
    scaleFactor: 2,
    longestEdge: 256,
    externalData: false,
  },
  'smolvlm-256m-shape': {
    name: 'smolvlm-256m-shape',
    text: {
      numLayers: 30,
      hiddenSize: 576,
      numHeads: 9,
      numKvHeads: 3,
      headDim: 64,
      intermediateSize: 1536,
      vocabSize: 49280,
      maxPositions: 8192,
      ropeTheta: 100000,
      rmsNormEps: 1e-5,
    },
    vision: {
      numLayers: 12,
      hiddenSize: 768,
      numHeads: 12,
      intermediateSize: 3072,
      patchSize: 16,
      imageSize: 512,
      layerNormEps: 1e-6,
    },
    scaleFactor: 4,
    longestEdge: 2048,
    externalData: true,
  },
};

export function isReferencePresetName(name: string): name is ReferencePresetName {
  return (REFERENCE_PRESETS as readonly string[]).includes(name);
}

export function isSmolVlmPresetName(name: string): name is SmolVlmPresetName {
  return (SMOLVLM_REFERENCE_PRESETS as readonly string[]).includes(name);
}

/** A SmolVLM-family preset; throws for unknown names and for Qwen2-VL presets (see anyReferencePreset). */
export function referencePreset(name: string): ReferencePreset {
  if (isQwen2VlPresetName(name))
    throw new Error(`reference preset "${name}" is of the Qwen2-VL family, not SmolVLM`);
  if (!isSmolVlmPresetName(name)) {
    throw new Error(
      `unknown reference model preset "${name}"; expected one of ${REFERENCE_PRESETS.join(', ')}`,
    );
  }
  return PRESETS[name];
}

/** A preset of either family. */
export function anyReferencePreset(name: string): AnyReferencePreset {
  return isQwen2VlPresetName(name) ? qwen2VlPreset(name) : referencePreset(name);
}

/** Patches per tile side. */
export function patchesPerSide(preset: ReferencePreset): number {
  return preset.vision.imageSize / preset.vision.patchSize;
}

/** Image tokens per tile after the pixel shuffle (processor_config image_seq_len). */
export function imageSeqLen(preset: ReferencePreset): number {
  return patchesPerSide(preset) ** 2 / preset.scaleFactor ** 2;
}

/** fp32 KV bytes per token across all layers (keys and values). */
export function kvBytesPerToken(preset: ReferencePreset): number {
  const { numLayers, numKvHeads, headDim } = preset.text;
  return numLayers * 2 * numKvHeads * headDim * 4;
}
