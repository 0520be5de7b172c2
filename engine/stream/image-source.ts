// A single image as a one-frame stream: decoded to raw RGB with sharp, after its header
// is checked against the pixel limit (nothing is decoded for an image over it).
import sharp from 'sharp';
import { DEFAULT_MAX_PIXELS } from '../ingest';
import { imageDecodeError } from '../ingest/decoder-message';
import { checkImagePixels } from '../ingest/image-header';
import type { VideoFrame } from './model-port';

/** Refuse images beyond this many pixels (the ingest limit) before decoding them. */
const MAX_PIXELS = DEFAULT_MAX_PIXELS;

export async function readImageFrame(path: string): Promise<VideoFrame> {
  await checkImagePixels(path, path, MAX_PIXELS);
  let decoded;
  try {
    decoded = await sharp(path, { limitInputPixels: MAX_PIXELS })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw imageDecodeError(path, error);
  }
  const { data, info } = decoded;
  if (info.channels !== 3)
    throw new Error(`image ${path} decoded to ${info.channels} channels, expected RGB`);
  return { index: 0, timeSec: 0, width: info.width, height: info.height, rgb: data };
}
