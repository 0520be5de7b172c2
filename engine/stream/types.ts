// Types shared by the stream's public API (index.ts) and the frame sources it reads
// (video-source.ts), kept here so that neither imports the other for them.
import type { VideoFrame } from './model-port';

/** A frame source item: a frame to encode, or a span of frames the gate skipped as unchanged. */
export type IngestItem = VideoFrame | { skipped: number; lastTimeSec?: number };
