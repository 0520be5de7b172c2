// An answer as agents read it (MCP, the HTTP endpoint's "vlm" field): the model, the
// evidence, the frames seen and the blocks in each cache tier. One shape, so every
// entry point that reports it reports the same thing.
import type { SessionAnswer, SessionEvidence } from './stream';

export interface AnswerSummary {
  model: string;
  evidence: {
    timeSec: number;
    frameIndex: number;
    score: number;
    text?: string;
    retrieved: boolean;
    /** Why it is evidence: 'sink', 'recent', 'retrieved', 'text' or 'time'. */
    reason: SessionEvidence['reason'];
    /** The timeline event behind this moment, when the timeline chose it. */
    event?: SessionEvidence['event'];
  }[];
  frames: { encoded: number; skipped: number };
  /** Blocks in each cache tier when the answer was given. */
  blocks: { sink: number; recent: number; retrievable: number };
}

export function summarizeAnswer(answer: SessionAnswer, model: string): AnswerSummary {
  const { cache } = answer;
  return {
    model,
    evidence: answer.evidence.map((e) => ({
      timeSec: e.timeSec,
      frameIndex: e.frameIndex,
      score: e.score,
      ...(e.text ? { text: e.text } : {}),
      retrieved: e.retrieved,
      reason: e.reason,
      ...(e.event ? { event: e.event } : {}),
    })),
    frames: { encoded: cache.framesEncoded, skipped: cache.framesSkipped },
    blocks: {
      sink: cache.sink.blocks,
      recent: cache.recent.blocks,
      retrievable: cache.retrievable.blocks,
    },
  };
}
