// Fallback scorer: topK blocks spread evenly over the stream (a summary of the whole video).
import type { BlockScorer, ScoringRequest } from './types';

export const uniformScorer: BlockScorer = {
  name: 'uniform',
  needs: {},
  score({ candidates, topK }: ScoringRequest): Float32Array {
    const n = candidates.length;
    const out = new Float32Array(n);
    const k = Math.max(1, Math.min(topK, n));
    for (let j = 0; j < k; j++) {
      const i = Math.min(n - 1, Math.floor(((j + 0.5) * n) / k));
      out[i] = 1;
    }
    return out;
  },
};
