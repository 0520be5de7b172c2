// What a model family (Idefics3/SmolVLM today, Qwen2-VL later) must provide so the
// generic loader, validator and runtime can drive it. One adapter per config.json
// model_type; everything family-specific (config fields, tensor names, image rules,
// prompt expansion, vision encoder feeds) lives behind this interface.
import type * as ort from 'onnxruntime-node';
import type { TextModelSpec } from '../contract';
import type { ImageInput } from '../image-input';
import type { SpanLayout } from '../positions';

/** The ONNX parts of a model folder, by role. */
export type ModelPart = 'vision' | 'embed' | 'decoder';

export interface ProcessImageOptions {
  /** Override preprocessor_config.json's do_image_splitting (false for video frames). */
  doImageSplitting?: boolean;
}

/** One image ready for the vision encoder. */
export interface ProcessedImage {
  /** Tiled families: [numTiles, 3, tileSize, tileSize]; patch families: [patches, patchDim]. Normalised. */
  pixelValues: Float32Array;
  /** Tiles (1 for a patch family: the whole image is one grid of patches). */
  numTiles: number;
  tileSize: number;
  /** Tile grid; 0 x 0 when the image was not split (one global tile only). */
  rows: number;
  cols: number;
  originalSize: { width: number; height: number };
  /** Patch families (Qwen2-VL): the patch grid (grid_thw, before the merge) and values per patch. */
  patches?: { t: number; h: number; w: number; patchDim: number };
}

export interface ImageProcessor {
  readonly tileSize: number;
  process(input: ImageInput, options?: ProcessImageOptions): Promise<ProcessedImage>;
}

/** A tensor the family's graphs must have; dims are numbers or symbolic names. */
export interface TensorExpectation {
  name: string;
  /** 'float' means float32 or float16, decided by the chosen dtype. */
  type: 'float' | 'int64' | 'bool';
  /** Expected dims; null = any size (symbolic). Omitted = not checked. */
  dims?: (number | null)[];
}

export interface PartSignature {
  /** Base file name in onnx/, without dtype suffix: e.g. 'decoder_model_merged'. */
  file: string;
  inputs: TensorExpectation[];
  outputs: TensorExpectation[];
}

/** Family-specific facts parsed from config.json. */
export interface FamilySpec {
  modelType: string;
  text: TextModelSpec;
  /** The token whose embeddings image features replace. */
  imageTokenId: number;
  /** Feature vectors the encoder emits per tile (SmolVLM-256M: 64; Qwen2-VL: 1 per merged patch). */
  tokensPerTile: number;
  /** Pixel size of one tile the encoder takes (SmolVLM: 512; Qwen2-VL: a merged patch, 28). */
  tileSize: number;
  /** Multimodal-RoPE families: the tokens that mark vision items in a prompt, and the patch merge. */
  mrope?: {
    visionStartTokenId: number;
    videoTokenId: number;
    mergeSize: number;
  };
}

export interface VisionFeedInput {
  image: ProcessedImage;
  floatType: 'float32' | 'float16';
}

/**
 * How a family writes the frames of a video into a prompt. A stream encodes the intro with
 * the prompt prefix (its attention sink), each frame as it arrives, and the outro before
 * the question.
 */
export interface VideoPrompt {
  /** Text between the start of the user turn and the first frame. */
  intro: string;
  /** The text standing for one frame taken at `timeSec`, with one image placeholder. */
  frame(timeSec: number): string;
  /** Text between the last frame and the question. */
  outro: string;
}

export interface ModelAdapter {
  /** config.json model_type values this adapter serves. */
  modelTypes: string[];
  /** Reads config.json; throws an Error naming the field when something is missing. */
  readSpec(config: Record<string, unknown>): FamilySpec;
  /** The graphs this family needs and their names/shapes. */
  signatures(spec: FamilySpec): Record<ModelPart, PartSignature>;
  createImageProcessor(preprocessorConfig: Record<string, unknown>): ImageProcessor;
  /** The prompt text that stands for one image (the `<image>` placeholder expanded). */
  expandImageText(image: ProcessedImage, spec: FamilySpec): string;
  /** Feature rows (image tokens) the vision encoder gives for one image. */
  imageTokens(image: ProcessedImage, spec: FamilySpec): number;
  /**
   * Positions of a prompt's tokens from its start, for families whose images take fewer
   * positions than tokens (multimodal RoPE); undefined means one position per token.
   */
  promptLayout?(
    ids: readonly number[],
    images: readonly ProcessedImage[],
    spec: FamilySpec,
  ): SpanLayout;
  /** Feeds for the vision encoder for one processed image. */
  visionFeeds(input: VisionFeedInput): Record<string, ort.Tensor>;
  /** The text that marks where an image goes in a user prompt. */
  imagePlaceholder: string;
  /** The token image features replace (its id is FamilySpec.imageTokenId). */
  imageToken: string;
  /** How this family's processor writes video frames (with their times) into a prompt. */
  videoPrompt: VideoPrompt;
}
