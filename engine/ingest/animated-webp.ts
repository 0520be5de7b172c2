// Animated WebP as a video: the bundled ffmpeg cannot decode it, so sharp reads its
// frames and their delays, and the frames are sampled like ffmpeg's: sample k is the frame
// on screen at k / fps.
import sharp from 'sharp';
import { imageDecodeError } from './decoder-message';
import { DEFAULT_MAX_PIXELS } from './limits';
import type { DecodedFrame } from './types';

export interface AnimatedDecodeOptions {
  fps: number;
  /** Frames are scaled down to fit this square (aspect kept). */
  maxEdge: number;
  signal?: AbortSignal;
}

/** Time (s) each frame appears, from the per-frame delays (ms); a missing delay counts 100 ms. */
function frameStarts(delays: number[], pages: number): number[] {
  const starts: number[] = [];
  let t = 0;
  for (let i = 0; i < pages; i++) {
    starts.push(t);
    t += (delays[i] ?? 100) / 1000;
  }
  starts.push(t); // the end of the last frame
  return starts;
}

export async function* decodeAnimatedWebp(
  path: string,
  options: AnimatedDecodeOptions,
): AsyncGenerator<DecodedFrame> {
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    meta = await sharp(path, { animated: true, limitInputPixels: DEFAULT_MAX_PIXELS }).metadata();
  } catch (error) {
    throw imageDecodeError(path, error);
  }
  const pages = meta.pages ?? 1;
  const starts = frameStarts(meta.delay ?? [], pages);
  const duration = starts[pages]!;
  let page = 0;
  for (let k = 0; k / options.fps < duration; k++) {
    options.signal?.throwIfAborted();
    const t = k / options.fps;
    while (page + 1 < pages && starts[page + 1]! <= t) page++;
    yield {
      ...(await readPage(path, page, options.maxEdge)),
      index: k,
      timeSec: t,
      droppedBefore: 0,
    };
  }
}

async function readPage(path: string, page: number, maxEdge: number) {
  const { data, info } = await sharp(path, { page, pages: 1, limitInputPixels: DEFAULT_MAX_PIXELS })
    .resize(maxEdge, maxEdge, { fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgb: data };
}
