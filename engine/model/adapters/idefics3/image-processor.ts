// The Idefics3 / SmolVLM image processor, following preprocessor_config.json:
// resize so the longest edge is size.longest_edge, round each side up to a multiple of
// the tile (max_image_size.longest_edge), cut tiles row by row, add the whole image
// shrunk to one tile (the "global" image), rescale and normalise to CHW float32.
// Rounding follows transformers.js's Idefics3ImageProcessor, our oracle in tests.
import type { ImageInput, RgbImage } from '../../image-input';
import { cropRgb, kernelFor, resizeRgb, toRgb } from '../../image-input';
import type { ImageProcessor, ProcessedImage, ProcessImageOptions } from '../types';

export interface Idefics3PreprocessorConfig {
  do_convert_rgb?: boolean;
  do_image_splitting?: boolean;
  do_normalize?: boolean;
  do_rescale?: boolean;
  do_resize?: boolean;
  image_mean?: number[];
  image_std?: number[];
  max_image_size?: { longest_edge: number };
  resample?: number;
  rescale_factor?: number;
  size?: { longest_edge: number };
}

/** Width and height after scaling so the longest edge is `longestEdge` (aspect kept). */
export function sizeForLongestEdge(
  width: number,
  height: number,
  longestEdge: number,
): { width: number; height: number } {
  const factor = Math.min(longestEdge / width, longestEdge / height);
  // Two-decimal rounding before flooring avoids 511.9999 -> 511 (as transformers.js does).
  const scaled = (v: number) => Math.max(1, Math.floor(Number((v * factor).toFixed(2))));
  return { width: scaled(width), height: scaled(height) };
}

/** Both sides rounded up to a multiple of the tile size, aspect ratio kept along the long side. */
export function sizeForTiles(
  width: number,
  height: number,
  tile: number,
): { width: number; height: number } {
  const aspect = width / height;
  const up = (v: number) => Math.max(tile, Math.ceil(v / tile) * tile);
  if (width >= height) {
    const w = up(width);
    return { width: w, height: up(Math.floor(w / aspect)) };
  }
  const h = up(height);
  return { width: up(Math.floor(h * aspect)), height: h };
}

/** Rows and columns of tiles for an image already sized by sizeForTiles (0 x 0: no split). */
export function tileGrid(width: number, height: number, tile: number) {
  if (width <= tile && height <= tile) return { rows: 0, cols: 0 };
  return { rows: Math.ceil(height / tile), cols: Math.ceil(width / tile) };
}

/**
 * A `longest_edge` field in pixels. Missing and invalid values are told apart: a 0 or a
 * string is a value to fix, not a field to add.
 */
function edgeField(
  config: Idefics3PreprocessorConfig,
  key: 'max_image_size' | 'size',
  meaning: string,
): number | undefined {
  const value: unknown = config[key]?.longest_edge;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw new Error(
      `preprocessor_config.json: ${key}.longest_edge is ${JSON.stringify(value)}, which is invalid: it is ${meaning}, so it must be a positive integer`,
    );
  return value;
}

function tileEdge(config: Idefics3PreprocessorConfig): number {
  const tile = edgeField(
    config,
    'max_image_size',
    'the tile edge in pixels the vision encoder takes (SmolVLM: 512)',
  );
  if (tile === undefined)
    throw new Error('preprocessor_config.json: max_image_size.longest_edge is missing');
  return tile;
}

export class Idefics3ImageProcessor implements ImageProcessor {
  readonly tileSize: number;
  private readonly kernel;
  private readonly mean: number[];
  private readonly std: number[];

  constructor(private readonly config: Idefics3PreprocessorConfig) {
    this.tileSize = tileEdge(config);
    edgeField(config, 'size', 'the edge images are first resized to before tiling');
    this.kernel = kernelFor(config.resample);
    this.mean = config.image_mean ?? [0.5, 0.5, 0.5];
    this.std = config.image_std ?? [0.5, 0.5, 0.5];
  }

  async process(input: ImageInput, options: ProcessImageOptions = {}): Promise<ProcessedImage> {
    let image = await toRgb(input);
    const original = { width: image.width, height: image.height };
    const longest = this.config.size?.longest_edge;
    if (this.config.do_resize !== false && longest) {
      const size = sizeForLongestEdge(image.width, image.height, longest);
      image = await resizeRgb(image, size.width, size.height, this.kernel);
    }
    const split = options.doImageSplitting ?? this.config.do_image_splitting ?? true;
    const { tiles, rows, cols } = split
      ? await this.splitIntoTiles(image)
      : {
          tiles: [await resizeRgb(image, this.tileSize, this.tileSize, this.kernel)],
          rows: 0,
          cols: 0,
        };
    return {
      pixelValues: this.toPixelValues(tiles),
      numTiles: tiles.length,
      tileSize: this.tileSize,
      rows,
      cols,
      originalSize: original,
    };
  }

  private async splitIntoTiles(image: RgbImage) {
    const t = this.tileSize;
    const size = sizeForTiles(image.width, image.height, t);
    const resized = await resizeRgb(image, size.width, size.height, this.kernel);
    const { rows, cols } = tileGrid(resized.width, resized.height, t);
    const tiles: RgbImage[] = [];
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) tiles.push(cropRgb(resized, c * t, r * t, t, t));
    tiles.push(await resizeRgb(resized, t, t, this.kernel));
    return { tiles, rows, cols };
  }

  /** [tiles, 3, T, T] float32, rescaled and normalised. */
  private toPixelValues(tiles: RgbImage[]): Float32Array {
    const plane = this.tileSize * this.tileSize;
    const out = new Float32Array(tiles.length * 3 * plane);
    const rescale = this.config.do_rescale === false ? 1 : (this.config.rescale_factor ?? 1 / 255);
    const normalize = this.config.do_normalize !== false;
    tiles.forEach((tile, n) => {
      for (let ch = 0; ch < 3; ch++) {
        const base = (n * 3 + ch) * plane;
        const mean = normalize ? this.mean[ch] : 0;
        const std = normalize ? this.std[ch] : 1;
        for (let i = 0; i < plane; i++)
          out[base + i] = (tile.data[i * 3 + ch] * rescale - mean) / std;
      }
    });
    return out;
  }
}
