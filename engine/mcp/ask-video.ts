// ask_video and find_text_in_video for the MCP server: open the file as a stream of the
// engine session, wait for it to be ingested, ask or search, and close. The encoded
// stream (and its on-screen text) is saved in the cache, so the next call about the same
// file reuses it.
import type { EngineSession, SessionStream } from '../session';
import type { TextSearchHit } from '../ocr/text-index';

export interface AskVideoResult {
  answer: string;
  model: string;
  /** True when no model is configured and the generated reference model answered. */
  referenceModel: boolean;
  evidence: {
    timeSec: number;
    frameIndex: number;
    score: number;
    text?: string;
    retrieved: boolean;
  }[];
  frames: { encoded: number; skipped: number };
  /** Blocks in each cache tier when the answer was given. */
  blocks: { sink: number; recent: number; retrievable: number };
  timings: { ttftMs: number; totalMs: number };
  warnings: string[];
}

async function withStream<T>(
  session: EngineSession,
  path: string,
  signal: AbortSignal | undefined,
  use: (stream: SessionStream) => Promise<T>,
): Promise<T> {
  const stream = await session.open({ kind: 'file', path }, { signal });
  try {
    await stream.ready;
    return await use(stream);
  } finally {
    await stream.close();
  }
}

export function askVideo(
  session: EngineSession,
  path: string,
  question: string,
  options: { maxTokens?: number; signal?: AbortSignal } = {},
): Promise<AskVideoResult> {
  return withStream(session, path, options.signal, async (stream) => {
    const result = await stream.ask(question, options);
    return {
      answer: result.answer,
      model: stream.model.id,
      referenceModel: stream.model.reference,
      evidence: result.evidence.map((e) => ({
        timeSec: e.timeSec,
        frameIndex: e.frameIndex,
        score: e.score,
        text: e.text,
        retrieved: e.retrieved,
      })),
      frames: { encoded: result.cache.framesEncoded, skipped: result.cache.framesSkipped },
      blocks: {
        sink: result.cache.sink.blocks,
        recent: result.cache.recent.blocks,
        retrievable: result.cache.retrievable.blocks,
      },
      timings: { ttftMs: result.timings.ttftMs, totalMs: result.timings.totalMs },
      warnings: stream.warnings,
    };
  });
}

export function findTextInVideo(
  session: EngineSession,
  path: string,
  query: string,
  options: { limit?: number; signal?: AbortSignal } = {},
): Promise<{ indexedFrames: number; hits: TextSearchHit[] }> {
  return withStream(session, path, options.signal, async (stream) => ({
    indexedFrames: stream.stats().framesEncoded,
    hits: stream.searchText(query, options.limit),
  }));
}
