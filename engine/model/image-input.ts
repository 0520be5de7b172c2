// Turns what callers hand us (a file path, an encoded image, or raw RGB from ffmpeg)
// into tightly packed 8-bit RGB pixels, and resizes such pixels with sharp.
import sharp from 'sharp';

/** Raw interleaved 8-bit RGB, row-major, as ffmpeg's `-pix_fmt rgb24` writes it. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A path, an encoded image (PNG, JPEG, WebP…), or raw RGB pixels. */
export type ImageInput = string | Buffer | RgbImage;

export type ResizeKernel = 'nearest' | 'linear' | 'cubic' | 'lanczos3';

/** PIL resample codes used by preprocessor_config.json, mapped to sharp kernels. */
const KERNELS: Record<number, ResizeKernel> = {
  0: 'nearest',
  1: 'lanczos3',
  2: 'linear',
  3: 'cubic',
};

export function kernelFor(resample: number | undefined): ResizeKernel {
  return KERNELS[resample ?? 2] ?? 'linear';
}

function isRgbImage(input: ImageInput): input is RgbImage {
  return typeof input === 'object' && !Buffer.isBuffer(input) && 'data' in input;
}

/** Decodes any supported input to RGB; alpha is dropped, greyscale is expanded. */
export async function toRgb(input: ImageInput): Promise<RgbImage> {
  if (isRgbImage(input)) {
    const { width, height, data } = input;
    if (!(width > 0 && height > 0) || data.length !== width * height * 3)
      throw new Error(
        `raw RGB image: expected ${width}x${height}x3 = ${width * height * 3} bytes, got ${data.length}`,
      );
    return input;
  }
  const source = typeof input === 'string' ? `image file ${input}` : 'image buffer';
  try {
    const { data, info } = await sharp(input)
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), ...info };
  } catch (error) {
    throw new Error(`cannot read ${source}: ${(error as Error).message}`);
  }
}

export async function resizeRgb(
  image: RgbImage,
  width: number,
  height: number,
  kernel: ResizeKernel,
): Promise<RgbImage> {
  if (image.width === width && image.height === height) return image;
  const data = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize({ width, height, fit: 'fill', kernel })
    .raw()
    .toBuffer();
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width, height };
}

/** Copies the rectangle [left, left+width) x [top, top+height) out of an RGB image. */
export function cropRgb(
  image: RgbImage,
  left: number,
  top: number,
  width: number,
  height: number,
): RgbImage {
  const out = new Uint8Array(width * height * 3);
  const rowBytes = width * 3;
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 3;
    out.set(image.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return { data: out, width, height };
}
