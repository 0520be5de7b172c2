// Why a frame is evidence for an answer, from what actually happened: the text match or
// the time hint outweighed the attention score, the timeline found the moment in the
// screen text, or else the cache tier the frame's block was in when the answer was made.
import type { Evidence } from '../stream';

/** The reasons every entry point reports, in the protocol's words. */
export const EVIDENCE_REASONS = ['sink', 'recent', 'retrieved', 'text', 'time'] as const;
export type EvidenceReason = (typeof EVIDENCE_REASONS)[number];

/** The blocks of one answer's context, by id: the sink, the recent window, brought back. */
export interface AnswerContextIds {
  sinkId?: number;
  recent: readonly number[];
  retrieved: readonly number[];
}

export function evidenceReason(
  e: Pick<Evidence, 'blockId' | 'signal'> & { event?: unknown },
  context: AnswerContextIds,
): EvidenceReason {
  if (e.signal === 'time') return 'time';
  // Timeline moments come from the screen-text index (text tracks, typing, pop-ups, cuts).
  if (e.signal === 'text' || e.event !== undefined) return 'text';
  if (context.sinkId !== undefined && e.blockId === context.sinkId) return 'sink';
  if (context.retrieved.includes(e.blockId)) return 'retrieved';
  return 'recent';
}
