// Loads a still image (screenshot, pasted image) as packed RGB24: PNG, JPEG, WebP, GIF
// (first frame), TIFF through sharp; BMP, which libvips does not read, through ffmpeg.
// EXIF orientation is applied, alpha is flattened onto white (screenshots with
// transparency should read as on a light page, not on black), and images over a pixel
// limit are rejected from their header, before any pixel is decoded.
import sharp from 'sharp';
import { openInputFile } from '../media/input-file';
import { imageDecodeError } from './decoder-message';
import { IngestError } from './errors';
import { asLocalFile } from './ffmpeg-args';
import { findFfmpeg } from './ffmpeg-process';
import { runFfmpeg } from './ffmpeg-run';
import { sniffFormat } from './file-sniff';
import { checkImagePixels, tooManyPixels } from './image-header';
import { DEFAULT_MAX_PIXELS } from './limits';

/** Packed 8-bit RGB, row-major; compatible with engine/model's RgbImage ({ data, width, height }). */
export interface LoadedImage {
  width: number;
  height: number;
  /** width * height * 3 bytes. */
  data: Buffer;
  /** The format it was decoded from: png, jpeg, webp, gif, tiff, bmp… */
  format: string;
}

export interface LoadImageOptions {
  /** Reject images with more pixels than this (default 40 M). */
  maxPixels?: number;
  /** Background for transparent pixels (default white). */
  background?: { r: number; g: number; b: number };
  /** ffmpeg for BMP (default: resolveFfmpeg()). */
  ffmpegPath?: string;
  signal?: AbortSignal;
}

function describe(input: string | Buffer): string {
  return typeof input === 'string' ? input : `image buffer (${input.length} bytes)`;
}

function checkPixels(name: string, width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) throw tooManyPixels(name, width, height, maxPixels);
}

/** Maps sharp's messages onto our error codes. */
function sharpFailure(name: string, error: unknown, maxPixels: number): IngestError {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return new IngestError(
      'too-many-pixels',
      name,
      `image is over the limit of ${maxPixels} pixels (${message})`,
    );
  }
  if (/unsupported image format/i.test(message)) {
    return new IngestError('not-media', name, `not an image format that can be read (${message})`);
  }
  return imageDecodeError(name, error);
}

/** The first bytes, after the checks every input file gets (regular, non-empty, no FIFO). */
async function readHead(input: string | Buffer): Promise<Buffer> {
  if (typeof input !== 'string') {
    if (input.length === 0)
      throw new IngestError('empty-file', describe(input), 'image is empty (0 bytes)');
    return input.subarray(0, 32);
  }
  const file = await openInputFile(input);
  try {
    const head = Buffer.alloc(32);
    const { bytesRead } = await file.handle.read(head, 0, 32, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

async function loadWithSharp(
  input: string | Buffer,
  options: LoadImageOptions,
): Promise<LoadedImage> {
  const name = describe(input);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  await checkImagePixels(input, name, maxPixels);
  try {
    // limitInputPixels checks the header again as sharp decodes; failOn 'warning' rejects truncated data.
    const image = sharp(input, { limitInputPixels: maxPixels, failOn: 'warning' });
    const { format } = await image.metadata();
    const { data, info } = await image
      .rotate()
      .flatten({ background: options.background ?? { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return { width: info.width, height: info.height, data, format: format ?? 'unknown' };
  } catch (error) {
    throw sharpFailure(name, error, maxPixels);
  }
}

/** BMP through ffmpeg: the size comes from the header and is checked first. */
async function loadBmp(
  input: string | Buffer,
  head: Buffer,
  options: LoadImageOptions,
): Promise<LoadedImage> {
  const name = describe(input);
  const width = Math.abs(head.readInt32LE(18));
  const height = Math.abs(head.readInt32LE(22));
  checkPixels(name, width, height, options.maxPixels ?? DEFAULT_MAX_PIXELS);
  const ffmpegPath = findFfmpeg(options.ffmpegPath);
  const fromStdin = typeof input !== 'string';
  const args = [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    '-f',
    'bmp_pipe',
    '-i',
    fromStdin ? 'pipe:0' : asLocalFile(input),
  ];
  args.push(
    '-frames:v',
    '1',
    '-vf',
    'format=rgb24,showinfo',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  );
  const frames = runFfmpeg({
    ffmpegPath,
    args,
    source: name,
    localPath: fromStdin ? undefined : input,
    signal: options.signal,
    stallTimeoutMs: 20_000,
    maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS,
    pipeStdin: fromStdin,
    onSpawn: (proc) => {
      if (fromStdin) proc.child.stdin!.end(input);
    },
  });
  for await (const frame of frames) {
    return { width: frame.width, height: frame.height, data: frame.rgb, format: 'bmp' };
  }
  throw new IngestError('corrupt', name, 'BMP decoded to no picture');
}

/** Loads an image file or encoded image bytes as RGB24, with the checks described above. */
export async function loadImage(
  input: string | Buffer,
  options: LoadImageOptions = {},
): Promise<LoadedImage> {
  const head = await readHead(input);
  return sniffFormat(head) === 'bmp'
    ? loadBmp(input, head, options)
    : loadWithSharp(input, options);
}

/** Loads a pasted image sent as base64, with or without a `data:image/...;base64,` prefix. */
export async function loadImageBase64(
  text: string,
  options: LoadImageOptions = {},
): Promise<LoadedImage> {
  const payload = text.replace(/^data:[^;,]*;base64,/, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload)) {
    throw new IngestError('not-media', 'pasted image', 'not valid base64');
  }
  return loadImage(Buffer.from(payload, 'base64'), options);
}
