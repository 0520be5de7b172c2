// Graph surgery for retrieval: the HF decoder does not output attention queries, so we
// copy the decoder graph with each layer's q_proj output (Optimum naming) added as a graph
// output and open that copy as a second session. The copy lives in a temporary folder
// with links to the original external weights, so the user's model folder is untouched.
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ManagedSession, SessionFactory } from '../runtime/sessions';
import type { ChosenOnnxFile } from './folder';
import { readOnnxModel, writeOnnxModel, type OnnxModel, type OnnxNode } from './onnx/model-io';
import { TensorDataType } from './onnx/schema';

export function qProjNodeName(layer: number): string {
  return `/model/layers.${layer}/self_attn/q_proj/MatMul`;
}

/** The tensor holding layer i's projected queries: the MatMul output, or its bias Add's output. */
function queryTensorName(nodes: OnnxNode[], layer: number, file: string): string {
  const matmul = nodes.find((n) => n.name === qProjNodeName(layer));
  if (!matmul) {
    const sample = nodes
      .filter((n) => n.name.includes('q_proj'))
      .slice(0, 3)
      .map((n) => n.name);
    throw new Error(
      `${file}: node '${qProjNodeName(layer)}' not found, so queries cannot be read from this decoder (it needs Optimum-style node names${sample.length ? `; q_proj nodes present: ${sample.join(', ')}` : '; no q_proj nodes found'})`,
    );
  }
  const bias = nodes.find(
    (n) =>
      n.op_type === 'Add' &&
      n.name === `/model/layers.${layer}/self_attn/q_proj/Add` &&
      n.input.includes(matmul.output[0]),
  );
  return (bias ?? matmul).output[0];
}

/** Adds each layer's query tensor as a graph output; returns their names in layer order. */
export function addQueryOutputs(
  model: OnnxModel,
  numLayers: number,
  floatType: 'float32' | 'float16',
  file: string,
): string[] {
  const names = Array.from({ length: numLayers }, (_, i) =>
    queryTensorName(model.graph.node, i, file),
  );
  const elemType = floatType === 'float16' ? TensorDataType.FLOAT16 : TensorDataType.FLOAT;
  const existing = new Set(model.graph.output.map((o) => o.name));
  for (const name of names)
    if (!existing.has(name))
      model.graph.output.push({ name, type: { tensor_type: { elem_type: elemType } } });
  return names;
}

export async function openQuerySession(
  file: ChosenOnnxFile,
  numLayers: number,
  factory: SessionFactory,
): Promise<{ managed: ManagedSession; outputNames: string[] }> {
  const model = readOnnxModel(file.path);
  const outputNames = addQueryOutputs(model, numLayers, file.floatType, file.relative);
  const dir = mkdtempSync(join(tmpdir(), 'vlm-queries-'));
  try {
    const copy = join(dir, basename(file.path));
    for (const data of file.externalData) symlinkSync(join(file.path, '..', data), join(dir, data));
    writeOnnxModel(copy, model);
    const managed = await factory.create(copy, `${file.relative} (with query outputs)`);
    return { managed, outputNames };
  } finally {
    // onnxruntime has read (or mapped) everything it needs once the session exists.
    rmSync(dir, { recursive: true, force: true });
  }
}
