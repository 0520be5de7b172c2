// Small edits to a loaded ONNX graph. The main use: expose intermediate values (the q_proj
// MatMul outputs of each decoder layer) as extra graph outputs, so retrieval can score
// cached blocks with the question's queries.
import type { OnnxModel, OnnxNode, OnnxValueInfo } from './model-io';
import { TensorDataType } from './schema';

export function findNode(model: OnnxModel, name: string): OnnxNode | undefined {
  return model.graph.node.find((node) => node.name === name);
}

/**
 * Adds the first output of each named node as a float32 graph output (shape left to the
 * runtime) and returns the output names, in order. Fails naming the first node not found.
 */
export function exposeNodeOutputs(model: OnnxModel, nodeNames: string[]): string[] {
  const existing = new Set(model.graph.output.map((output) => output.name));
  return nodeNames.map((nodeName) => {
    const node = findNode(model, nodeName);
    if (!node) throw new Error(`graph "${model.graph.name}" has no node named "${nodeName}"`);
    const value = node.output[0];
    if (!existing.has(value)) {
      const info: OnnxValueInfo = {
        name: value,
        type: { tensor_type: { elem_type: TensorDataType.FLOAT } },
      };
      model.graph.output.push(info);
      existing.add(value);
    }
    return value;
  });
}

/** The Optimum node names of the query projections: /model/layers.{i}/self_attn/q_proj/MatMul. */
export function queryProjectionNodes(numLayers: number): string[] {
  return Array.from({ length: numLayers }, (_, i) => `/model/layers.${i}/self_attn/q_proj/MatMul`);
}
