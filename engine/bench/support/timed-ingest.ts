// Feeds a video file into a stream the way the product does (ffmpeg decode, frame gate,
// one model pass per kept frame) and times each part. On 2 cores the full-size model
// needs ~10 s per frame, so a plan can encode only the first frames for real and then
// either replay their KV (same shapes, so the cache and the question cost the same) or
// skip the encoder and extrapolate its time from the frames it did encode.
import { decodeFrames, FrameGate } from '../../ingest';
import type { KvBlock } from '../../cache/block';
import type { KvCache } from '../../model/contract';
import type { VideoStream } from '../../stream';

export interface IngestPlan {
  fps: number;
  gate: boolean;
  /** Kept frames the model encodes for real (Infinity: all of them). */
  realEncodes: number;
  /** What happens to kept frames beyond realEncodes. */
  beyond: 'replay' | 'extrapolate';
  /** Scale frames down to this edge while decoding (what the stream engine does). */
  maxEdge?: number;
}

export interface IngestFigures {
  /** Frames ffmpeg delivered at the sampling fps. */
  decoded: number;
  /** Frames that passed the gate (all of them when the gate is off). */
  kept: number;
  encodedReal: number;
  replayed: number;
  extrapolated: number;
  /** Wall time of the whole ingest, as run. */
  wallMs: number;
  /** Of which: waiting for ffmpeg frames and running the gate. */
  decodeAndGateMs: number;
  /** Of which: real model encodes. */
  encodeMs: number;
  /** Real encodes after the first (which pays one-time costs), when there are any. */
  encodeMsPerFrame: number;
  /** wallMs plus the extrapolated encoder time of the frames not encoded. */
  estimatedMs: number;
}

export async function ingestVideo(
  stream: VideoStream,
  path: string,
  plan: IngestPlan,
  signal?: AbortSignal,
): Promise<IngestFigures> {
  const gate = plan.gate ? new FrameGate() : null;
  const edge = plan.maxEdge ?? 1024;
  const replayable: KvCache[] = [];
  const f = { decoded: 0, kept: 0, encodedReal: 0, replayed: 0, extrapolated: 0 };
  let encodeMs = 0;
  let firstEncodeMs = 0;
  let decodeAndGateMs = 0;
  const started = performance.now();
  let mark = started;
  for await (const frame of decodeFrames(path, {
    fps: plan.fps,
    maxWidth: edge,
    maxHeight: edge,
    signal,
  })) {
    f.decoded++;
    const keep = gate ? gate.push(frame).keep : true;
    decodeAndGateMs += performance.now() - mark;
    if (!keep) {
      stream.engine.noteSkipped(1, frame.timeSec);
      mark = performance.now();
      continue;
    }
    f.kept++;
    if (f.encodedReal < plan.realEncodes) {
      const t0 = performance.now();
      const block = (await stream.pushFrame(frame, signal)) as Partial<KvBlock>;
      const ms = performance.now() - t0;
      if (f.encodedReal === 0) firstEncodeMs = ms;
      encodeMs += ms;
      f.encodedReal++;
      if (block.kv) replayable.push({ length: block.tokenCount!, layers: block.kv });
    } else if (plan.beyond === 'replay' && replayable.length > 0) {
      const kv = replayable[f.replayed % replayable.length];
      await stream.engine.pushEncodedBlock(kv, { index: frame.index, timeSec: frame.timeSec });
      f.replayed++;
    } else f.extrapolated++;
    mark = performance.now();
  }
  const wallMs = performance.now() - started;
  // The first encode pays one-time costs (kernel selection, arenas): leave it out of the
  // per-frame figure when there are others to go by.
  const encodeMsPerFrame =
    f.encodedReal > 1
      ? (encodeMs - firstEncodeMs) / (f.encodedReal - 1)
      : f.encodedReal === 1
        ? encodeMs
        : 0;
  return {
    ...f,
    wallMs,
    decodeAndGateMs,
    encodeMs,
    encodeMsPerFrame,
    estimatedMs: wallMs + f.extrapolated * encodeMsPerFrame,
  };
}
