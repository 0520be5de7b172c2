// Small edits to a loaded ONNX graph. The main use: expose intermediate values (the q_proj
// MatMul outputs of each decoder layer) as extra graph outputs, so retrieval can score
// cached blocks with the question's queries.
import type { OnnxModel, OnnxNode, OnnxValueInfo } from './model-io';
import { TensorDataType } from './schema';

export function findNode(model: OnnxModel, name: string): OnnxNode | undefined {
  return model.graph.node.find((node) => node.name === name);
}

/** Adds the named tensors as graph outputs (shape left to the runtime), skipping ones already there. */
export function exposeTensors(
  model: OnnxModel,
  tensorNames: string[],
  elemType: number = TensorDataType.FLOAT,
): void {
  const existing = new Set(model.graph.output.map((output) => output.name));
  for (const name of tensorNames) {
    if (existing.has(name)) continue;
    const info: OnnxValueInfo = { name, type: { tensor_type: { elem_type: elemType } } };
    model.graph.output.push(info);
    existing.add(name);
  }
}

/**
 * Adds the first output of each named node as a float32 graph output and returns the
 * output names, in order. Fails naming the first node not found.
 */
export function exposeNodeOutputs(model: OnnxModel, nodeNames: string[]): string[] {
  const values = nodeNames.map((nodeName) => {
    const node = findNode(model, nodeName);
    if (!node) throw new Error(`graph "${model.graph.name}" has no node named "${nodeName}"`);
    return node.output[0];
  });
  exposeTensors(model, values);
  return values;
}

/** The Optimum node name of layer i's query projection. */
export function qProjNodeName(layer: number): string {
  return `/model/layers.${layer}/self_attn/q_proj/MatMul`;
}

export function queryProjectionNodes(numLayers: number): string[] {
  return Array.from({ length: numLayers }, (_, i) => qProjNodeName(i));
}
