// Loads a screenshot (a file path or encoded bytes) for OCR: ingest's image loader does
// the decoding and the empty / non-image / pixel-limit checks; OCR adds one of its own, a
// fully transparent image, which would otherwise flatten to a blank page and read as
// "no text" instead of failing.
import sharp from 'sharp';
import { IngestError, loadImage, DEFAULT_MAX_PIXELS } from '../ingest';
import type { RgbImage } from './types';

export { DEFAULT_MAX_PIXELS };

/** An image OCR cannot read though ingest decoded it (today: a fully transparent one). */
export class ImageInputError extends IngestError {
  constructor(source: string, problem: string) {
    super('not-media', source, problem);
    this.name = 'ImageInputError';
  }
}

export interface LoadScreenshotOptions {
  maxPixels?: number;
  signal?: AbortSignal;
}

const describe = (input: string | Buffer) =>
  typeof input === 'string' ? input : `image buffer (${input.length} bytes)`;

/** True when the image has an alpha channel and every pixel's alpha is 0. */
async function isFullyTransparent(input: string | Buffer, maxPixels: number): Promise<boolean> {
  try {
    const image = sharp(input, { limitInputPixels: maxPixels });
    const { hasAlpha } = await image.metadata();
    if (!hasAlpha) return false;
    const { channels } = await image.stats();
    return channels[channels.length - 1].max === 0;
  } catch {
    return false; // not something sharp reads (BMP, say): loadImage reports the real problem
  }
}

/**
 * True when every pixel is the white alpha is flattened onto. Only such an image can have
 * been fully transparent, so the alpha channel, which takes a second decode, is looked at
 * for these alone; any other image stops at its first coloured pixel.
 */
function allWhite(rgb: Buffer): boolean {
  for (let i = 0; i < rgb.length; i++) if (rgb[i] !== 255) return false;
  return true;
}

export async function loadRgbImage(
  input: string | Buffer,
  options: LoadScreenshotOptions = {},
): Promise<RgbImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const image = await loadImage(input, { maxPixels, signal: options.signal });
  if (allWhite(image.data) && (await isFullyTransparent(input, maxPixels)))
    throw new ImageInputError(
      describe(input),
      'image is fully transparent (every pixel has alpha 0): there is no text to read',
    );
  return { width: image.width, height: image.height, rgb: image.data };
}
