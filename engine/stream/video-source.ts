// A video file as stream input: decoded by engine/ingest (ffmpeg) at the requested fps,
// with near-duplicate frames gated out before they cost an encoder pass.
import { decodeFrames, FrameGate, type DecodedFrame, type FrameGateOptions } from '../ingest';
import { decodeAnimatedWebp } from '../ingest/animated-webp';
import { isWebpFile } from '../media/input-file';
import type { IngestItem } from './types';

/**
 * Frames wider or taller than this are scaled down while decoding. The model's processor
 * resizes anyway; on-screen text needs the resolution (small fonts of a 1080p recording).
 */
export const VIDEO_MAX_EDGE = 1920;

/** Names how files are decoded (ffmpeg; sharp for animated WebP): part of a saved stream's key. */
export const VIDEO_DECODER = 'ingest-v2';

export async function* videoFrames(
  path: string,
  options: { fps: number; gate: FrameGateOptions | false; signal?: AbortSignal },
): AsyncIterable<IngestItem> {
  const frames = (await isWebpFile(path))
    ? decodeAnimatedWebp(path, {
        fps: options.fps,
        maxEdge: VIDEO_MAX_EDGE,
        signal: options.signal,
      })
    : decodeFrames(path, {
        fps: options.fps,
        signal: options.signal,
        maxWidth: VIDEO_MAX_EDGE,
        maxHeight: VIDEO_MAX_EDGE,
      });
  yield* gatedItems(frames, options.gate);
}

/** Frames the gate passes, and a skipped item for each near-duplicate it holds back. */
export async function* gatedItems(
  frames: AsyncIterable<DecodedFrame>,
  options: FrameGateOptions | false,
): AsyncIterable<IngestItem> {
  const gate = options === false ? undefined : new FrameGate(options);
  for await (const frame of frames) {
    if (!gate || gate.push(frame).keep) yield frame;
    else yield { skipped: 1, lastTimeSec: frame.timeSec };
  }
}
