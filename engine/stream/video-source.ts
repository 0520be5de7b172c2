// A video file as stream input: decoded by engine/ingest (ffmpeg) at the requested fps,
// with near-duplicate frames gated out before they cost an encoder pass.
import { decodeFrames, FrameGate } from '../ingest';
import type { IngestItem } from './types';

/** Frames wider or taller than this are scaled down while decoding (the processor resizes anyway). */
const MAX_EDGE = 1024;

export async function* videoFrames(
  path: string,
  options: { fps: number; signal?: AbortSignal },
): AsyncIterable<IngestItem> {
  const gate = new FrameGate();
  const frames = decodeFrames(path, {
    fps: options.fps,
    signal: options.signal,
    maxWidth: MAX_EDGE,
    maxHeight: MAX_EDGE,
  });
  for await (const frame of frames) {
    if (gate.push(frame).keep) yield frame;
    else yield { skipped: 1, lastTimeSec: frame.timeSec };
  }
}
