// ask_video and find_text_in_video for the MCP server: open the file as a stream of the
// engine session, wait for it to be ingested, ask or search, and close. The encoded
// stream (and its on-screen text) is saved in the cache, so the next call about the same
// file reuses it.
import {
  summarizeAnswer,
  type AnswerSummary,
  type EngineSession,
  type SessionStream,
} from '../session';
import type { TextSearchHit } from '../ocr/text-index';
import type { Timeline } from '../timeline';

export interface AskVideoResult extends AnswerSummary {
  answer: string;
  /** True when no model is configured and the generated reference model answered. */
  referenceModel: boolean;
  timings: { ttftMs: number; totalMs: number };
  warnings: string[];
}

async function withStream<T>(
  session: EngineSession,
  path: string,
  signal: AbortSignal | undefined,
  use: (stream: SessionStream) => Promise<T>,
  screenText?: 'on',
): Promise<T> {
  const stream = await session.open({ kind: 'file', path }, { signal, screenText });
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
      ...summarizeAnswer(result, stream.model.id),
      referenceModel: stream.model.reference,
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
  // Searching text needs the text read: screen text is on whatever the auto choice would
  // judge the file (a screen recording judged camera footage would have nothing to search).
  return withStream(
    session,
    path,
    options.signal,
    async (stream) => ({
      indexedFrames: stream.stats().framesEncoded,
      hits: stream.searchText(query, options.limit),
    }),
    'on',
  );
}

/** The timeline of a video: text tracks, typing, UI events and cuts. */
export function videoTimeline(
  session: EngineSession,
  path: string,
  options: { signal?: AbortSignal } = {},
): Promise<Timeline> {
  // The timeline is built from the text read, so screen text is on (as for text search).
  return withStream(session, path, options.signal, async (stream) => stream.timeline(), 'on');
}
