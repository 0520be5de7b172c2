// Attention-based retrieval without query outputs: the question's own mean pre-RoPE key per
// KV head against each block's mean key, by cosine similarity (keys of similar content point
// the same way), summed over heads, z-scored per layer and averaged over layers.
import { dot, zScores } from './normalize';
import type { BlockScorer, ScoringRequest } from './types';

export const attentionKeyScorer: BlockScorer = {
  name: 'keys',
  score({ vectors, candidates, spec }: ScoringRequest): Float32Array {
    const total = new Float32Array(candidates.length);
    if (!vectors.keys) throw new Error('the keys scorer needs question key vectors');
    const { numKvHeads, headDim } = spec;
    vectors.keys.forEach((k, layer) => {
      const perLayer = new Float32Array(candidates.length);
      candidates.forEach((block, c) => {
        const rep = block.representatives[layer];
        let s = 0;
        for (let h = 0; h < numKvHeads; h++) {
          const o = h * headDim;
          const norm = Math.sqrt(dot(k, o, k, o, headDim) * dot(rep, o, rep, o, headDim));
          s += norm > 0 ? dot(k, o, rep, o, headDim) / norm : 0;
        }
        perLayer[c] = s;
      });
      const z = zScores(perLayer);
      for (let c = 0; c < total.length; c++) total[c] += z[c] / vectors.keys!.length;
    });
    return total;
  },
};
