// The embed_tokens and decoder_model_merged graphs every family exports alike (Optimum and
// transformers.js naming); families differ only in the shape of position_ids.
import type { FamilySpec, PartSignature } from './types';

/** position_ids dims: [batch, seq] for 1-D RoPE, [3, batch, seq] for multimodal RoPE. */
export function textSignatures(
  spec: FamilySpec,
  positionDims: (number | null)[],
): { embed: PartSignature; decoder: PartSignature } {
  const { hiddenSize, numLayers, numKvHeads, headDim, vocabSize } = spec.text;
  const kv = [null, numKvHeads, null, headDim];
  const layers = Array.from({ length: numLayers }, (_, i) => i);
  return {
    embed: {
      file: 'embed_tokens',
      inputs: [{ name: 'input_ids', type: 'int64', dims: [null, null] }],
      outputs: [{ name: 'inputs_embeds', type: 'float', dims: [null, null, hiddenSize] }],
    },
    decoder: {
      file: 'decoder_model_merged',
      inputs: [
        { name: 'inputs_embeds', type: 'float', dims: [null, null, hiddenSize] },
        { name: 'attention_mask', type: 'int64', dims: [null, null] },
        { name: 'position_ids', type: 'int64', dims: positionDims },
        ...layers.flatMap((i) => [
          { name: `past_key_values.${i}.key`, type: 'float' as const, dims: kv },
          { name: `past_key_values.${i}.value`, type: 'float' as const, dims: kv },
        ]),
      ],
      outputs: [
        { name: 'logits', type: 'float', dims: [null, null, vocabSize] },
        ...layers.flatMap((i) => [
          { name: `present.${i}.key`, type: 'float' as const, dims: kv },
          { name: `present.${i}.value`, type: 'float' as const, dims: kv },
        ]),
      ],
    },
  };
}
