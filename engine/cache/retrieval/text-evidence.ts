// Hook for on-screen text (the OCR text index): blocks whose frames show text matching the
// question score high. Retrieval works without it; the index is plugged in through this
// small interface so the cache does not depend on the OCR module.
import type { BlockMeta } from '../block';
import type { BlockScorer, ScoringRequest } from './types';

export interface TextHit {
  timeSec: number;
  frameIndex?: number;
  text: string;
  /** Match quality in [0, 1]. */
  score: number;
}

/** What the OCR text index offers (engine/ocr adapts its index to this). */
export interface TextEvidenceSource {
  search(query: string): TextHit[] | Promise<TextHit[]>;
}

/** The block each hit belongs to: same frame index, else the nearest frame time. */
function blockForHit(hit: TextHit, candidates: BlockMeta[]): number {
  if (hit.frameIndex !== undefined) {
    const same = candidates.findIndex((b) => b.frameIndex === hit.frameIndex);
    if (same >= 0) return same;
  }
  let best = -1;
  let bestGap = Infinity;
  candidates.forEach((b, i) => {
    const gap = Math.abs(b.timeSec - hit.timeSec);
    if (gap < bestGap) {
      bestGap = gap;
      best = i;
    }
  });
  return best;
}

/** Text-match scores per candidate, and the matched text of each (what evidence shows). */
export async function scoreText(
  source: TextEvidenceSource,
  question: string,
  candidates: BlockMeta[],
): Promise<{ scores: Float32Array; texts: (string | undefined)[] }> {
  const scores = new Float32Array(candidates.length);
  const texts: (string | undefined)[] = new Array(candidates.length);
  if (candidates.length === 0) return { scores, texts };
  for (const hit of await source.search(question)) {
    const i = blockForHit(hit, candidates);
    if (i < 0 || hit.score <= scores[i]) continue;
    scores[i] = hit.score;
    texts[i] = hit.text;
  }
  return { scores, texts };
}

/** The same as a BlockScorer (scores only), for callers that combine scorers themselves. */
export function textEvidenceScorer(source: TextEvidenceSource): BlockScorer {
  return {
    name: 'text',
    needs: {},
    async score({ question, candidates }: ScoringRequest): Promise<Float32Array> {
      return (await scoreText(source, question, candidates)).scores;
    },
  };
}
