// Qwen2-VL (model_type qwen2_vl), in the transformers.js ONNX layout of
// onnx-community/Qwen2-VL-2B-Instruct: vision_encoder (pixel_values [patches, 1176] plus
// grid_thw -> image_features, one row per 2x2 merged patch), embed_tokens, and a merged
// decoder taking position_ids [3, batch, seq] (multimodal RoPE). Positions, the image
// processor and the prompt pieces are in this folder; see docs/qwen2-vl.md.
import { mropeSettingsFromConfig } from '../../../cache/mrope';
import type { TextModelSpec } from '../../contract';
import { frameAtTime } from '../frame-at-time';
import { floatTensor, int64Tensor } from '../../tensors';
import { numberField, optionalNumber, type Json } from '../config-fields';
import { textSignatures } from '../text-signatures';
import type { ImageInput } from '../../image-input';
import type {
  FamilySpec,
  ModelAdapter,
  PartSignature,
  ProcessedImage,
  ProcessImageOptions,
} from '../types';
import { Qwen2VLImageProcessor, type Qwen2VLPreprocessorConfig } from './image-processor';
import { maxPosition, ropeIndex, visionTokenCount, type GridThw } from './positions';
import { expandVisionText, IMAGE_PAD, visionPlaceholder } from './prompt';

const IMAGE_PLACEHOLDER = visionPlaceholder('image');

/** Text fields sit at the top level in the 2B export and under text_config in newer ones. */
function textFields(config: Json): Json {
  const nested = config.text_config;
  return nested && typeof nested === 'object' ? { ...config, ...(nested as Json) } : config;
}

function readTextSpec(config: Json): TextModelSpec {
  const text = textFields(config);
  const numHeads = numberField(text, 'num_attention_heads');
  const hiddenSize = numberField(text, 'hidden_size');
  const headDim = hiddenSize / numHeads;
  const mrope = mropeSettingsFromConfig(config);
  return {
    numLayers: numberField(text, 'num_hidden_layers'),
    numHeads,
    numKvHeads: optionalNumber(text, 'num_key_value_heads') ?? numHeads,
    headDim,
    hiddenSize,
    vocabSize: numberField(text, 'vocab_size'),
    maxPositions: numberField(text, 'max_position_embeddings'),
    // rope_scaling holds mrope_section only: no scaling of the frequencies.
    rope: { theta: mrope.theta, rotaryDim: headDim, mropeSection: mrope.section },
  };
}

function readSpec(config: Json): FamilySpec {
  const text = readTextSpec(config);
  const vision = (config.vision_config ?? {}) as Json;
  // The 2B export names it spatial_patch_size and leaves the merge size out (2).
  const patch =
    optionalNumber(vision, 'patch_size') ?? optionalNumber(vision, 'spatial_patch_size') ?? 14;
  const mergeSize = optionalNumber(vision, 'spatial_merge_size') ?? 2;
  return {
    modelType: String(config.model_type),
    text,
    imageTokenId: numberField(config, 'image_token_id'),
    tokensPerTile: 1,
    tileSize: patch * mergeSize,
    mrope: {
      visionStartTokenId: numberField(config, 'vision_start_token_id'),
      videoTokenId: numberField(config, 'video_token_id'),
      mergeSize,
    },
  };
}

function signatures(spec: FamilySpec): Record<'vision' | 'embed' | 'decoder', PartSignature> {
  const { hiddenSize } = spec.text;
  return {
    vision: {
      file: 'vision_encoder',
      inputs: [
        { name: 'pixel_values', type: 'float', dims: [null, null] },
        { name: 'grid_thw', type: 'int64', dims: [null, 3] },
      ],
      outputs: [{ name: 'image_features', type: 'float', dims: [null, hiddenSize] }],
    },
    ...textSignatures(spec, [3, null, null]),
  };
}

function gridOf(image: ProcessedImage): GridThw {
  if (!image.patches)
    throw new Error('a Qwen2-VL image must come from its own image processor (no patch grid)');
  const { t, h, w } = image.patches;
  return { t, h, w };
}

function mergeOf(spec: FamilySpec): number {
  return spec.mrope?.mergeSize ?? 2;
}

/**
 * Pixels of one video frame at most: qwen-vl-utils' VIDEO_MAX_PIXELS (768 merged patches of
 * 28 x 28), which Qwen2-VL's video inputs were prepared with. A still image keeps
 * preprocessor_config.json's max_pixels (12.8 M for the 2B model, ~16k tokens).
 */
export const VIDEO_FRAME_MAX_PIXELS = 768 * 28 * 28;

/** The processor of this folder behind the engine's ImageProcessor interface. */
function createImageProcessor(pre: Json) {
  const processor = new Qwen2VLImageProcessor(pre as Qwen2VLPreprocessorConfig);
  const frameMax = Math.min(processor.maxPixels, VIDEO_FRAME_MAX_PIXELS);
  const frames = new Qwen2VLImageProcessor({
    ...(pre as Qwen2VLPreprocessorConfig),
    min_pixels: Math.min(processor.minPixels, frameMax),
    max_pixels: frameMax,
  });
  const unit = processor.patch.patchSize * processor.patch.mergeSize;
  return {
    tileSize: unit,
    /** doImageSplitting false marks a video frame (the engine's tiled families take one tile then). */
    async process(input: ImageInput, options: ProcessImageOptions = {}): Promise<ProcessedImage> {
      const video = options.doImageSplitting === false;
      const v = await (video ? frames : processor).process(input);
      return {
        pixelValues: v.pixelValues,
        numTiles: 1,
        tileSize: unit,
        rows: 0,
        cols: 0,
        originalSize: v.originalSize,
        patches: { ...v.grid, patchDim: v.patchDim },
      };
    },
  };
}

export const qwen2VlAdapter: ModelAdapter = {
  modelTypes: ['qwen2_vl'],
  videoPrompt: frameAtTime(IMAGE_PLACEHOLDER),
  imagePlaceholder: IMAGE_PLACEHOLDER,
  imageToken: IMAGE_PAD,
  readSpec,
  signatures,
  createImageProcessor,
  expandImageText: (image, spec) => expandVisionText('image', gridOf(image), mergeOf(spec)),
  imageTokens: (image, spec) => visionTokenCount(gridOf(image), mergeOf(spec)),
  promptLayout(ids, images, spec) {
    const tokens = {
      imageTokenId: spec.imageTokenId,
      videoTokenId: spec.mrope!.videoTokenId,
      visionStartTokenId: spec.mrope!.visionStartTokenId,
    };
    const { positions } = ropeIndex(ids, tokens, images.map(gridOf), [], mergeOf(spec));
    return { offsets: positions.ids, tokens: positions.length, extent: maxPosition(positions) + 1 };
  },
  visionFeeds({ image, floatType }) {
    const { t, h, w, patchDim } = image.patches!;
    return {
      pixel_values: floatTensor(floatType, image.pixelValues, [t * h * w, patchDim]),
      grid_thw: int64Tensor([t, h, w], [1, 3]),
    };
  },
};
