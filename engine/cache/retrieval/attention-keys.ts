// Attention-based retrieval without query outputs: the question's own mean pre-RoPE key per
// KV head against each block's mean key, by cosine similarity (keys of similar content point
// the same way), summed over heads, z-scored per layer and averaged over layers.
import { zScores } from './normalize';
import type { BlockScorer, ScoringRequest } from './types';

/** Sum over heads of cos(question key, block representative) for one layer. */
function headCosines(k: Float32Array, rep: Float32Array, heads: number, headDim: number): number {
  let s = 0;
  for (let h = 0; h < heads; h++) {
    let kr = 0;
    let kk = 0;
    let rr = 0;
    for (let d = h * headDim, end = d + headDim; d < end; d++) {
      kr += k[d] * rep[d];
      kk += k[d] * k[d];
      rr += rep[d] * rep[d];
    }
    const norm = Math.sqrt(kk * rr);
    if (norm > 0) s += kr / norm;
  }
  return s;
}

export const attentionKeyScorer: BlockScorer = {
  name: 'keys',
  needs: { keys: true },
  score({ vectors, candidates, spec }: ScoringRequest): Float32Array {
    if (!vectors.keys) throw new Error('the keys scorer needs question key vectors');
    const keys = vectors.keys;
    const total = new Float32Array(candidates.length);
    const perLayer = new Float32Array(candidates.length);
    for (let layer = 0; layer < keys.length; layer++) {
      for (let c = 0; c < candidates.length; c++)
        perLayer[c] = headCosines(
          keys[layer],
          candidates[c].representatives[layer],
          spec.numKvHeads,
          spec.headDim,
        );
      const z = zScores(perLayer);
      for (let c = 0; c < total.length; c++) total[c] += z[c] / keys.length;
    }
    return total;
  },
};
