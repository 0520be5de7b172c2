// The Qwen2-VL image processor, following transformers' Qwen2VLImageProcessor and
// preprocessor_config.json (Qwen2-VL-2B: min_pixels 3136, max_pixels 12845056, patch_size
// 14, temporal_patch_size 2, merge_size 2, CLIP mean/std):
//
// 1. smart_resize: each side rounded to a multiple of factor = patch_size * merge_size (28),
//    then, if the area is outside [min_pixels, max_pixels], both sides scaled by one factor
//    (aspect kept) and floored (too big) or ceiled (too small) to multiples of 28.
// 2. Rescale (1/255) and normalise per channel.
// 3. Frames are grouped in temporal patches of 2; a single image (or an odd last frame) is
//    repeated to fill the patch.
// 4. Flattening into patches in the order the vision encoder reads them: rows are patches
//    ordered (temporal patch, merged row, merged column, row in 2x2, column in 2x2), so the
//    four patches one merged token is made of are adjacent; columns are
//    (channel, frame in temporal patch, y in patch, x in patch): 3 * 2 * 14 * 14 = 1176.
//
// Rounding: Python's round() rounds halves to even (round(2.5) = 2), so a side of
// 28k + 14 pixels rounds like Python does, not like Math.round (transformers.js).
import type { ImageInput, RgbImage } from '../../image-input';
import { kernelFor, resizeRgb, toRgb } from '../../image-input';
import type { GridThw } from './positions';

export interface Qwen2VLPreprocessorConfig {
  do_convert_rgb?: boolean;
  do_normalize?: boolean;
  do_rescale?: boolean;
  do_resize?: boolean;
  image_mean?: number[];
  image_std?: number[];
  min_pixels?: number;
  max_pixels?: number;
  /** Newer exports write the pixel bounds here instead. */
  size?: { shortest_edge?: number; longest_edge?: number };
  merge_size?: number;
  patch_size?: number;
  temporal_patch_size?: number;
  resample?: number;
  rescale_factor?: number;
}

/** transformers' defaults (OPENAI_CLIP_MEAN / OPENAI_CLIP_STD, 56*56, 28*28*1280). */
export const QWEN2_VL_DEFAULTS = {
  minPixels: 56 * 56,
  maxPixels: 28 * 28 * 1280,
  patchSize: 14,
  temporalPatchSize: 2,
  mergeSize: 2,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
  /** PIL BICUBIC. */
  resample: 3,
};

/** Python's round(): to the nearest integer, halves to the even neighbour. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export interface SmartResizeOptions {
  factor?: number;
  minPixels?: number;
  maxPixels?: number;
}

/**
 * The size an image of `width` x `height` is resized to: both sides multiples of `factor`,
 * area within [minPixels, maxPixels], aspect ratio kept as closely as possible.
 * A side shorter than `factor` is first scaled up to it (transformers raises there;
 * transformers.js scales up, and so do we, since screenshots can be thin).
 */
export function smartResize(
  width: number,
  height: number,
  options: SmartResizeOptions = {},
): { width: number; height: number } {
  const factor = options.factor ?? QWEN2_VL_DEFAULTS.patchSize * QWEN2_VL_DEFAULTS.mergeSize;
  const minPixels = options.minPixels ?? QWEN2_VL_DEFAULTS.minPixels;
  const maxPixels = options.maxPixels ?? QWEN2_VL_DEFAULTS.maxPixels;
  if (!(width > 0 && height > 0)) throw new Error(`image size ${width}x${height} is empty`);
  if (minPixels > maxPixels)
    throw new Error(`min_pixels ${minPixels} is larger than max_pixels ${maxPixels}`);
  if (height < factor || width < factor) {
    const scale = Math.max(factor / height, factor / width);
    height = Math.round(height * scale);
    width = Math.round(width * scale);
  }
  if (Math.max(height, width) / Math.min(height, width) > 200)
    throw new Error(
      `image ${width}x${height}: the aspect ratio must be at most 200, got ${Math.max(height, width) / Math.min(height, width)}`,
    );
  let h = roundHalfEven(height / factor) * factor;
  let w = roundHalfEven(width / factor) * factor;
  if (h * w > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    h = Math.max(factor, Math.floor(height / beta / factor) * factor);
    w = Math.max(factor, Math.floor(width / beta / factor) * factor);
  } else if (h * w < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    h = Math.ceil((height * beta) / factor) * factor;
    w = Math.ceil((width * beta) / factor) * factor;
  }
  return { width: w, height: h };
}

export interface PatchOptions {
  patchSize: number;
  temporalPatchSize: number;
  mergeSize: number;
}

/** What the vision encoder takes for one image or video. */
export interface ProcessedVision {
  /** [numPatches, 3 * temporalPatchSize * patchSize²], float32. */
  pixelValues: Float32Array;
  numPatches: number;
  /** Values per patch row: 3 * temporalPatchSize * patchSize² (1176 for Qwen2-VL). */
  patchDim: number;
  /** image_grid_thw (or video_grid_thw), in patches before the merge. */
  grid: GridThw;
  /** The size frames were resized to. */
  width: number;
  height: number;
  originalSize: { width: number; height: number };
}

/**
 * Flattens normalised CHW frames (each [3, height, width]) into patch rows. Frames are
 * padded with copies of the last one to a multiple of temporalPatchSize. height and width
 * must be multiples of patchSize * mergeSize.
 */
export function flattenPatches(
  frames: readonly Float32Array[],
  width: number,
  height: number,
  options: PatchOptions,
): { pixelValues: Float32Array; grid: GridThw; patchDim: number } {
  const { patchSize: ps, temporalPatchSize: tps, mergeSize: m } = options;
  if (frames.length === 0) throw new Error('no frames to flatten');
  if (width % (ps * m) !== 0 || height % (ps * m) !== 0)
    throw new Error(`frame size ${width}x${height} is not a multiple of ${ps * m}`);
  const plane = width * height;
  for (const f of frames)
    if (f.length !== 3 * plane)
      throw new Error(`a frame has ${f.length} values, expected 3 x ${height} x ${width}`);
  const padded = [...frames];
  while (padded.length % tps !== 0) padded.push(padded[padded.length - 1]);
  const gridT = padded.length / tps;
  const gridH = height / ps;
  const gridW = width / ps;
  const patchDim = 3 * tps * ps * ps;
  const out = new Float32Array(gridT * gridH * gridW * patchDim);
  let o = 0;
  for (let t = 0; t < gridT; t++)
    for (let bh = 0; bh < gridH / m; bh++)
      for (let bw = 0; bw < gridW / m; bw++)
        for (let mh = 0; mh < m; mh++)
          for (let mw = 0; mw < m; mw++) {
            const y0 = (bh * m + mh) * ps;
            const x0 = (bw * m + mw) * ps;
            for (let c = 0; c < 3; c++)
              for (let tp = 0; tp < tps; tp++) {
                const frame = padded[t * tps + tp];
                for (let py = 0; py < ps; py++) {
                  const row = c * plane + (y0 + py) * width + x0;
                  out.set(frame.subarray(row, row + ps), o);
                  o += ps;
                }
              }
          }
  return { pixelValues: out, grid: { t: gridT, h: gridH, w: gridW }, patchDim };
}

function positiveInt(config: Qwen2VLPreprocessorConfig, key: keyof Qwen2VLPreprocessorConfig) {
  const value: unknown = config[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw new Error(
      `preprocessor_config.json: ${key} is ${JSON.stringify(value)}, expected a positive integer`,
    );
  return value;
}

export class Qwen2VLImageProcessor {
  readonly patch: PatchOptions;
  readonly minPixels: number;
  readonly maxPixels: number;
  private readonly kernel;
  private readonly mean: number[];
  private readonly std: number[];

  constructor(private readonly config: Qwen2VLPreprocessorConfig = {}) {
    const d = QWEN2_VL_DEFAULTS;
    this.patch = {
      patchSize: positiveInt(config, 'patch_size') ?? d.patchSize,
      temporalPatchSize: positiveInt(config, 'temporal_patch_size') ?? d.temporalPatchSize,
      mergeSize: positiveInt(config, 'merge_size') ?? d.mergeSize,
    };
    this.minPixels = positiveInt(config, 'min_pixels') ?? config.size?.shortest_edge ?? d.minPixels;
    this.maxPixels = positiveInt(config, 'max_pixels') ?? config.size?.longest_edge ?? d.maxPixels;
    if (this.minPixels > this.maxPixels)
      throw new Error(
        `preprocessor_config.json: min_pixels ${this.minPixels} is larger than max_pixels ${this.maxPixels}`,
      );
    this.kernel = kernelFor(config.resample ?? d.resample);
    this.mean = config.image_mean ?? d.mean;
    this.std = config.image_std ?? d.std;
    if (this.mean.length !== 3 || this.std.length !== 3)
      throw new Error('preprocessor_config.json: image_mean and image_std need 3 values each');
  }

  /** The size a frame of width x height is resized to. */
  targetSize(width: number, height: number): { width: number; height: number } {
    if (this.config.do_resize === false) return { width, height };
    return smartResize(width, height, {
      factor: this.patch.patchSize * this.patch.mergeSize,
      minPixels: this.minPixels,
      maxPixels: this.maxPixels,
    });
  }

  /** One image: grid t = 1, the frame repeated over the temporal patch. */
  async process(input: ImageInput): Promise<ProcessedVision> {
    return this.processFrames([input]);
  }

  /**
   * Video frames (or one image). Every frame is resized to the size computed from the
   * first one, as transformers does; an odd count repeats the last frame.
   */
  async processFrames(inputs: readonly ImageInput[]): Promise<ProcessedVision> {
    if (inputs.length === 0) throw new Error('no frames to process');
    const first = await toRgb(inputs[0]);
    const original = { width: first.width, height: first.height };
    const size = this.targetSize(first.width, first.height);
    const frames: Float32Array[] = [];
    for (let i = 0; i < inputs.length; i++) {
      const rgb = i === 0 ? first : await toRgb(inputs[i]);
      const resized = await resizeRgb(rgb, size.width, size.height, this.kernel);
      frames.push(this.normalise(resized));
    }
    const { pixelValues, grid, patchDim } = flattenPatches(
      frames,
      size.width,
      size.height,
      this.patch,
    );
    return {
      pixelValues,
      numPatches: grid.t * grid.h * grid.w,
      patchDim,
      grid,
      width: size.width,
      height: size.height,
      originalSize: original,
    };
  }

  /** [3, H, W] float32, rescaled and normalised. */
  normalise(image: RgbImage): Float32Array {
    const plane = image.width * image.height;
    const out = new Float32Array(3 * plane);
    const rescale = this.config.do_rescale === false ? 1 : (this.config.rescale_factor ?? 1 / 255);
    const normalize = this.config.do_normalize !== false;
    for (let c = 0; c < 3; c++) {
      const mean = normalize ? this.mean[c] : 0;
      const std = normalize ? this.std[c] : 1;
      for (let i = 0; i < plane; i++)
        out[c * plane + i] = (image.data[i * 3 + c] * rescale - mean) / std;
    }
    return out;
  }
}
