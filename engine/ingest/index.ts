// Ingest's public API: decode any source into RGB frames, gate near-duplicates, load images.
export {
  decodeFrames,
  readVideoMetadata,
  describeSource,
  FrameStream,
  type DecodeOptions,
} from './decoder';
export {
  FrameGate,
  GATE_DEFAULTS,
  gateFrames,
  describeUnchanged,
  type FrameGateOptions,
  type GateDecision,
  type GatedFrame,
  type UnchangedRun,
} from './frame-gate';
export { loadImage, loadImageBase64, type LoadedImage, type LoadImageOptions } from './image';
export { IngestError, type IngestErrorCode } from './errors';
export { DEFAULT_MAX_DURATION_SEC, DEFAULT_MAX_PIXELS } from './limits';
export type { ReconnectOptions } from './live-source';
export { formatTime } from '../util/time-format';
export { parseSourceSpec } from './source-spec';
export { resolveFfmpeg, FfmpegNotFoundError } from './ffmpeg-path';
export * from './types';
