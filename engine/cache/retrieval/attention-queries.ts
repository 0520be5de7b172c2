// Attention-based retrieval with real query vectors (ReKV): the question's mean pre-RoPE
// query per head against each block's mean pre-RoPE key of the head's KV group, per layer;
// layers are z-scored and averaged so no single layer's scale dominates.
import { dot, zScores } from './normalize';
import type { BlockScorer, ScoringRequest } from './types';

export const attentionQueryScorer: BlockScorer = {
  name: 'queries',
  score({ vectors, candidates, spec }: ScoringRequest): Float32Array {
    const total = new Float32Array(candidates.length);
    if (!vectors.queries)
      throw new Error('the queries scorer needs question query vectors (decode withQueries)');
    const { numHeads, numKvHeads, headDim } = spec;
    const group = numHeads / numKvHeads;
    const scale = 1 / Math.sqrt(headDim);
    vectors.queries.forEach((q, layer) => {
      const perLayer = new Float32Array(candidates.length);
      candidates.forEach((block, c) => {
        const rep = block.representatives[layer];
        let s = 0;
        for (let h = 0; h < numHeads; h++)
          s += dot(q, h * headDim, rep, Math.floor(h / group) * headDim, headDim);
        perLayer[c] = s * scale;
      });
      const z = zScores(perLayer);
      for (let c = 0; c < total.length; c++) total[c] += z[c] / vectors.queries!.length;
    });
    return total;
  },
};
