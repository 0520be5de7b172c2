// A float32 graph given float16 inputs and outputs: a Cast after each float input and
// before each float output, the weights and arithmetic left in float32. Exported models
// with float16 I/O (`*_fp16.onnx`, `*_q4f16.onnx`) hand the engine float16 embeddings, KV
// cache and logits; this lets the reference model exercise that path end to end.
import type { OnnxModel, OnnxNode } from './model-io';
import { AttributeType, TensorDataType } from './schema';

const castTo = (input: string, output: string, to: number): OnnxNode => ({
  name: `float16_io_cast_${output}`,
  op_type: 'Cast',
  input: [input],
  output: [output],
  attribute: [{ name: 'to', type: AttributeType.INT, i: to }],
});

/** Rewrites `model` in place: every float32 graph input and output becomes float16. */
export function useFloat16Io(model: OnnxModel): void {
  const graph = model.graph;
  const isFloat = (elemType: number) => elemType === TensorDataType.FLOAT;
  const inside = (name: string) => `${name}__float32`;
  const renamed = new Map<string, string>();
  for (const input of graph.input) {
    if (!isFloat(input.type.tensor_type.elem_type)) continue;
    input.type.tensor_type.elem_type = TensorDataType.FLOAT16;
    renamed.set(input.name, inside(input.name));
  }
  const outputs = new Set(
    graph.output.filter((o) => isFloat(o.type.tensor_type.elem_type)).map((o) => o.name),
  );
  for (const node of graph.node) {
    node.input = node.input.map(
      (name) => renamed.get(name) ?? (outputs.has(name) ? inside(name) : name),
    );
    node.output = node.output.map((name) => (outputs.has(name) ? inside(name) : name));
  }
  const castsIn = [...renamed].map(([outer, inner]) => castTo(outer, inner, TensorDataType.FLOAT));
  const castsOut = [...outputs].map((name) => castTo(inside(name), name, TensorDataType.FLOAT16));
  for (const output of graph.output)
    if (outputs.has(output.name)) output.type.tensor_type.elem_type = TensorDataType.FLOAT16;
  // Shapes recorded for the old float32 outputs now describe the values inside the casts.
  for (const info of graph.value_info ?? [])
    if (outputs.has(info.name)) info.name = inside(info.name);
  graph.node = [...castsIn, ...graph.node, ...castsOut];
}
