// Generation by a serving cluster for a local stream: the stream keeps ingesting, gating
// and retrieving; for each question the frames retrieval chose are sent, with their
// timestamps and on-screen text, to an OpenAI-compatible server, which streams the answer.
import type { ChatBackend } from '../openai/backend';
import type { ExternalGenerator } from '../stream';
import { askRemoteWithKeyframes, type Keyframe } from './keyframes';
import { extractKeyframes } from './video-keyframes';

export interface RemoteGeneratorOptions {
  /** The stream's source: a video file (frames are re-read at the evidence times) or an image. */
  source: { kind: 'video' | 'image'; path: string };
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
    const keyframes: Keyframe[] =
      options.source.kind === 'image'
        ? [{ timeSeconds: 0, image: options.source.path, text: chosen[0]?.text }]
        : await extractKeyframes(
            options.source.path,
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
