// Generation by a serving cluster for a local stream: the stream keeps ingesting, gating
// and retrieving; for each question the frames retrieval chose are sent, with their
// timestamps and on-screen text, to an OpenAI-compatible server, which streams the answer.
import type { ChatBackend } from '../openai/backend';
import type { ExternalGenerator } from '../stream';
import { askRemoteWithKeyframes, type Keyframe } from './keyframes';
import type { StillStore } from './still-store';
import { extractKeyframes } from './video-keyframes';

/** A kept still is the evidence frame when it lies within this of the evidence time. */
const STILL_TOLERANCE_SEC = 0.5;

export interface RemoteGeneratorOptions {
  /**
   * Where the frames come from: a video file (re-read at the evidence times), an image, or
   * the stills a live stream kept (still-store.ts).
   */
  source: { kind: 'video' | 'image'; path: string } | { kind: 'stills'; store: StillStore };
  backend: ChatBackend;
  /** At most this many keyframes per question, the best-scoring ones (default 8). */
  maxKeyframes?: number;
  /** Longer side of each keyframe in pixels (default 1024). */
  maxSide?: number;
  ffmpegPath?: string;
  temperature?: number;
}

export function remoteGenerator(options: RemoteGeneratorOptions): ExternalGenerator {
  return async ({ question, evidence, maxTokens, onToken, signal }) => {
    const chosen = evidence
      .slice(0, options.maxKeyframes ?? 8)
      .sort((a, b) => a.timeSec - b.timeSec);
    const source = options.source;
    const keyframes: Keyframe[] =
      source.kind === 'stills'
        ? keptStills(source.store, chosen)
        : source.kind === 'image'
          ? [{ timeSec: 0, image: source.path, text: chosen[0]?.text }]
          : await extractKeyframes(
              source.path,
              chosen.map((e) => e.timeSec),
              {
                maxSide: options.maxSide,
                ffmpegPath: options.ffmpegPath,
                signal,
                texts: chosen.map((e) => e.text),
              },
            );
    const answer = await askRemoteWithKeyframes({
      question,
      keyframes,
      backend: options.backend,
      signal,
      onToken,
      maxTokens,
      temperature: options.temperature,
    });
    return answer.text;
  };
}

/**
 * The live stream's stills at the evidence times. Evidence older than the store reaches is
 * sent by time and text alone; with no still at all the question cannot be shown a frame.
 */
function keptStills(store: StillStore, chosen: { timeSec: number; text?: string }[]): Keyframe[] {
  const keyframes: Keyframe[] = chosen.map((e) => ({
    timeSec: e.timeSec,
    image: store.near(e.timeSec, STILL_TOLERANCE_SEC)?.image,
    text: e.text,
  }));
  if (!keyframes.some((k) => k.image)) {
    const { fromSec, toSec } = store.stats;
    const kept =
      fromSec === undefined ? 'none yet' : `${fromSec.toFixed(1)}-${toSec!.toFixed(1)} s`;
    const times = chosen.map((e) => e.timeSec.toFixed(1)).join(', ');
    throw new Error(
      `no kept still for the evidence frames (${times} s); this live stream keeps stills for ${kept}`,
    );
  }
  return keyframes;
}
