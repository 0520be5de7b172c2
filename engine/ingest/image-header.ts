// An image's size read from its header, checked against the pixel limit before a single
// pixel is decoded: a 776 KB PNG can declare 16000x16000 pixels and take a gigabyte to
// decode. Every place an image enters (still-image streams, OCR, pasted and data-URL
// images) calls this first; sharp's own limitInputPixels stays on as a second guard.
import sharp from 'sharp';
import { IngestError } from './errors';
import { DEFAULT_MAX_PIXELS } from './limits';

/** The message every pixel-limit refusal uses. */
export function tooManyPixels(
  name: string,
  width: number,
  height: number,
  limit: number,
): IngestError {
  return new IngestError(
    'too-many-pixels',
    name,
    `image is ${width}x${height} = ${width * height} pixels, over the limit of ${limit} pixels`,
  );
}

/**
 * Throws an IngestError with code 'too-many-pixels' when the header declares more pixels
 * than `limit`. Input sharp cannot read (BMP, garbage) passes: its decoder reports what
 * is wrong with it.
 */
export async function checkImagePixels(
  input: string | Buffer,
  name = typeof input === 'string' ? input : `image (${input.length} bytes)`,
  limit = DEFAULT_MAX_PIXELS,
): Promise<void> {
  let size: { width?: number; height?: number };
  try {
    size = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    return;
  }
  const { width, height } = size;
  if (width && height && width * height > limit) throw tooManyPixels(name, width, height, limit);
}
