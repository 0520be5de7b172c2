// Attention-based retrieval with real query vectors (ReKV): the question's mean pre-RoPE
// query per head against each block's mean pre-RoPE key of the head's KV group, per layer;
// layers are z-scored and averaged so no single layer's scale dominates.
import { attentionKeyScorer } from './attention-keys';
import { zScores } from './normalize';
import type { BlockScorer, ScoringRequest } from './types';

/** Sum over attention heads of q_h . rep_(kv group of h) / sqrt(headDim) for one layer. */
function queryScore(
  q: Float32Array,
  rep: Float32Array,
  heads: number,
  group: number,
  headDim: number,
): number {
  let s = 0;
  for (let h = 0; h < heads; h++) {
    const qo = h * headDim;
    const ro = Math.floor(h / group) * headDim;
    for (let d = 0; d < headDim; d++) s += q[qo + d] * rep[ro + d];
  }
  return s / Math.sqrt(headDim);
}

export const attentionQueryScorer: BlockScorer = {
  name: 'queries',
  needs: { queries: true },
  // Question keys against block keys: the nearest thing a model without query outputs gives.
  fallback: attentionKeyScorer,
  score({ vectors, candidates, spec }: ScoringRequest): Float32Array {
    if (!vectors.queries)
      throw new Error('the queries scorer needs question query vectors (decode withQueries)');
    const queries = vectors.queries;
    const { numHeads, numKvHeads, headDim } = spec;
    const group = numHeads / numKvHeads;
    const total = new Float32Array(candidates.length);
    const perLayer = new Float32Array(candidates.length);
    for (let layer = 0; layer < queries.length; layer++) {
      for (let c = 0; c < candidates.length; c++)
        perLayer[c] = queryScore(
          queries[layer],
          candidates[c].representatives[layer],
          numHeads,
          group,
          headDim,
        );
      const z = zScores(perLayer);
      for (let c = 0; c < total.length; c++) total[c] += z[c] / queries.length;
    }
    return total;
  },
};
