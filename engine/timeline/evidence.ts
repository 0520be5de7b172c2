// The timeline as one evidence signal among several: the blocks of the moments the
// timeline found for a question join the stream's evidence (whole-frame and text scores),
// and every item is ranked by the timeline's score plus a share of its own score. An item
// the timeline chose names the event behind it.
import type { TimelineHit } from './search';

export interface EvidenceLike {
  blockId: number;
  frameIndex: number;
  timeSec: number;
  score: number;
  scores: Record<string, number>;
  text?: string;
}

export interface TimelineEventRef {
  kind: TimelineHit['kind'];
  reason: string;
  text?: string;
}

export interface BlockAt {
  blockId: number;
  frameIndex: number;
  timeSec: number;
}

/** How much the stream's own (whole-frame) score counts next to the timeline's, 0-1. */
const FRAME_WEIGHT = 0.15;
/** The most a timeline hit scores (text match 1 plus intent 0.4, see search.ts). */
const MAX_HIT_SCORE = 1.4;
/** Fused scores are divided by the most they can be, so they stay in [0, 1]. */
const FUSED_MAX = MAX_HIT_SCORE + FRAME_WEIGHT;
/** Timeline moments added to the evidence at most. */
const MAX_ADDED = 5;

/**
 * Re-ranks `evidence` with the timeline's hits. `fromBlock` makes an evidence item for a
 * block the stream did not list (score 0), so a moment the timeline found is never lost.
 */
export function fuseTimelineEvidence<E extends EvidenceLike>(
  evidence: E[],
  hits: TimelineHit[],
  blocks: BlockAt[],
  fromBlock: (block: BlockAt) => E,
): (E & { event?: TimelineEventRef })[] {
  if (!hits.length) return evidence;
  const top = Math.max(1e-9, ...evidence.map((e) => e.score));
  const byBlock = new Map(evidence.map((e) => [e.blockId, e] as const));
  const found = new Map<number, TimelineHit>();
  for (const hit of hits.slice(0, MAX_ADDED)) {
    const block = blockOf(blocks, hit);
    if (!block || found.has(block.blockId)) continue;
    found.set(block.blockId, hit);
    if (!byBlock.has(block.blockId)) byBlock.set(block.blockId, fromBlock(block));
  }
  return [...byBlock.values()]
    .map((e) => {
      const hit = found.get(e.blockId);
      const frame = (FRAME_WEIGHT * Math.max(0, e.score)) / top;
      if (!hit) return { ...e, score: frame / FUSED_MAX, scores: { ...e.scores, frame: e.score } };
      return {
        ...e,
        timeSec: hit.timeSec,
        score: Math.min(1, (hit.score + frame) / FUSED_MAX),
        scores: { ...e.scores, frame: e.score, timeline: hit.score },
        text: hit.text ?? e.text,
        event: { kind: hit.kind, reason: hit.reason, ...(hit.text ? { text: hit.text } : {}) },
      };
    })
    .sort((a, b) => tier(b.score) - tier(a.score) || a.timeSec - b.timeSec);
}

/** Fused scores within a few hundredths tie, and the earlier moment goes first. */
const tier = (score: number) => Math.round(score * 30);

/** The block encoded from the hit's frame, else the last block at or before its time. */
function blockOf(blocks: BlockAt[], hit: TimelineHit): BlockAt | undefined {
  const exact = blocks.find((b) => b.frameIndex === hit.frameIndex);
  if (exact) return exact;
  let found: BlockAt | undefined;
  for (const b of blocks) if (b.timeSec <= hit.timeSec + 1e-6) found = b;
  return found;
}
