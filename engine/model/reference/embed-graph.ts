// embed_tokens.onnx: input_ids [batch_size, sequence_length] int64 ->
// inputs_embeds [batch_size, sequence_length, hidden] float32 (a Gather on the table).
import { GraphBuilder } from '../onnx/graph-builder';
import { TensorDataType } from '../onnx/schema';
import type { TensorStore } from '../onnx/tensor-store';
import type { TextShape } from './presets';
import { uniformFill } from './weights';

export function buildEmbedGraph(
  preset: { text: Pick<TextShape, 'vocabSize' | 'hiddenSize'> },
  seed: number,
  store: TensorStore,
) {
  const { vocabSize, hiddenSize } = preset.text;
  const g = new GraphBuilder('main_graph', store);
  const inputIds = g.input('input_ids', TensorDataType.INT64, ['batch_size', 'sequence_length']);
  g.output('inputs_embeds', TensorDataType.FLOAT, ['batch_size', 'sequence_length', hiddenSize]);
  const param = 'model.embed_tokens.weight';
  // Unit-variance rows: the decoder's first RMSNorm sees inputs of the size real embeddings have
  // after normalisation, and image features (also near unit size) mix in on the same scale.
  const table = g.weight(param, [vocabSize, hiddenSize], uniformFill(seed, param, 1));
  g.node('/model/embed_tokens', 'Gather', [table, inputIds], {
    attrs: { axis: 0 },
    outputs: ['inputs_embeds'],
  });
  return g.build();
}
