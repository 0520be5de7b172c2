// Fallback scorer: newer blocks first (what a plain sliding window would have kept).
import type { BlockScorer, ScoringRequest } from './types';

export const recencyScorer: BlockScorer = {
  name: 'recency',
  needs: {},
  score({ candidates }: ScoringRequest): Float32Array {
    const n = candidates.length;
    return Float32Array.from(candidates, (_, i) => (n > 1 ? i / (n - 1) : 1));
  },
};
