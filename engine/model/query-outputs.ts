// Graph surgery for retrieval: the HF decoder does not output attention queries, so we
// copy the decoder graph with each layer's q_proj output (Optimum naming) added as a graph
// output and open that copy as a second session. The user's model folder is never written:
// the copy is loaded from memory, or from a temp folder linking the external weights.
import { closeSync, linkSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { defaultCacheDir } from '../config';
import type { ManagedSession, SessionFactory } from '../runtime/sessions';
import type { ChosenOnnxFile } from './folder';
import {
  encodeOnnxModel,
  externalDataFiles,
  readOnnxModel,
  writeOnnxModel,
  type OnnxModel,
  type OnnxNode,
} from './onnx/model-io';
import { TensorDataType } from './onnx/schema';
import { exposeTensors, qProjNodeName } from './onnx/surgery';

/**
 * The tensor holding layer i's projected queries: the q_proj MatMul's output (or its bias
 * Add's). Quantizers rename the node (`.../MatMul_quant`, `.../MatMul_Q4`) but keep its
 * output tensor's name, so that name is looked for when the node's is not found.
 */
function queryTensorName(nodes: OnnxNode[], layer: number, file: string): string {
  const nodeName = qProjNodeName(layer);
  const output = `${nodeName}_output_0`;
  const matmul =
    nodes.find((n) => n.name === nodeName) ?? nodes.find((n) => n.output.includes(output));
  if (!matmul) {
    const sample = nodes
      .filter((n) => n.name.includes('q_proj'))
      .slice(0, 3)
      .map((n) => n.name);
    throw new Error(
      `${file}: node '${nodeName}' (or a node writing '${output}') not found, so queries cannot be read from this decoder (it needs Optimum-style names${sample.length ? `; q_proj nodes present: ${sample.join(', ')}` : '; no q_proj nodes found'})`,
    );
  }
  const value = matmul.output.includes(output) ? output : matmul.output[0];
  const bias = nodes.find(
    (n) =>
      n.op_type === 'Add' &&
      n.name === `/model/layers.${layer}/self_attn/q_proj/Add` &&
      n.input.includes(value),
  );
  return bias ? bias.output[0] : value;
}

const { FLOAT, FLOAT16, INT32, INT64, UINT8, BOOL } = TensorDataType;

/** Ops whose outputs' types do not follow their inputs. */
const FIXED_OUTPUT_TYPES: Record<string, number[]> = {
  Shape: [INT64],
  Size: [INT64],
  ArgMax: [INT64],
  MatMulInteger: [INT32],
  DynamicQuantizeLinear: [UINT8, FLOAT, UINT8],
  Equal: [BOOL],
  Less: [BOOL],
  LessOrEqual: [BOOL],
  Greater: [BOOL],
  GreaterOrEqual: [BOOL],
  And: [BOOL],
  Or: [BOOL],
  Not: [BOOL],
};

/**
 * The element type of a value inside the graph, in one pass over the (topologically
 * sorted) nodes: a Cast says it outright, a few ops have fixed output types, and otherwise
 * the first float input decides, so a MatMul on float16 weights is float16 even when the
 * graph's inputs are float32.
 */
export function valueFloatType(model: OnnxModel, value: string): number {
  const graph = model.graph;
  const types = new Map<string, number>();
  for (const info of graph.input) types.set(info.name, info.type.tensor_type.elem_type);
  for (const t of graph.initializer ?? []) types.set(t.name, t.data_type);
  for (const node of graph.node) {
    const castTo =
      node.op_type === 'Cast' ? node.attribute?.find((a) => a.name === 'to')?.i : undefined;
    const fixed = FIXED_OUTPUT_TYPES[node.op_type];
    const float = node.input.map((i) => types.get(i)).find((t) => t === FLOAT || t === FLOAT16);
    node.output.forEach((out, i) => types.set(out, castTo ?? fixed?.[i] ?? float ?? FLOAT));
    if (node.output.includes(value)) break;
  }
  return types.get(value) ?? FLOAT;
}

/** Adds each layer's query tensor as a graph output; returns their names in layer order. */
export function addQueryOutputs(model: OnnxModel, numLayers: number, file: string): string[] {
  const names = Array.from({ length: numLayers }, (_, i) =>
    queryTensorName(model.graph.node, i, file),
  );
  for (const name of names) exposeTensors(model, [name], valueFloatType(model, name));
  return names;
}

/** Reads external weights back into the model (for loading it from memory). */
export function inlineExternalData(model: OnnxModel, modelDir: string): void {
  const files = new Map<string, number>();
  try {
    for (const tensor of model.graph.initializer ?? []) {
      const entries = new Map((tensor.external_data ?? []).map((e) => [e.key, e.value]));
      const location = entries.get('location');
      if (!location) continue;
      if (!files.has(location)) files.set(location, openSync(join(modelDir, location), 'r'));
      const offset = Number(entries.get('offset') ?? 0);
      const length = Number(entries.get('length'));
      const bytes = new Uint8Array(length);
      if (readSync(files.get(location)!, bytes, 0, length, offset) !== length)
        throw new Error(`${location}: shorter than the ${tensor.name} weights it should hold`);
      tensor.raw_data = bytes;
      delete tensor.external_data;
      tensor.data_location = 0;
    }
  } finally {
    for (const fd of files.values()) closeSync(fd);
  }
}

/**
 * Writes the edited graph into a fresh temp folder with hard links to the original weights.
 * onnxruntime refuses external data outside the model's folder, symlinks included, so the
 * links must be hard ones, which only work on the same file system: the system temp dir is
 * tried first, then the engine's cache dir. Returns undefined when neither works.
 */
function linkedCopy(model: OnnxModel, file: ChosenOnnxFile): string | undefined {
  for (const base of [tmpdir(), join(defaultCacheDir(), 'tmp')]) {
    let dir: string | undefined;
    try {
      mkdirSync(base, { recursive: true });
      dir = mkdtempSync(join(base, 'vlm-queries-'));
      for (const data of file.externalData)
        linkSync(join(dirname(file.path), data), join(dir, data));
      writeOnnxModel(join(dir, basename(file.path)), model);
      return dir;
    } catch {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }
  return undefined;
}

export async function openQuerySession(
  file: ChosenOnnxFile,
  numLayers: number,
  factory: SessionFactory,
): Promise<{ managed: ManagedSession; outputNames: string[] }> {
  const model = readOnnxModel(file.path);
  const outputNames = addQueryOutputs(model, numLayers, file.relative);
  const label = `${file.relative} (with query outputs)`;
  const external = externalDataFiles(model).length > 0;
  const dir = external ? linkedCopy(model, file) : undefined;
  if (dir) {
    try {
      return { managed: await factory.create(join(dir, basename(file.path)), label), outputNames };
    } finally {
      // onnxruntime has read (or mapped) everything it needs once the session exists.
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // No external weights (or no way to link them): load the edited graph from memory.
  if (external) inlineExternalData(model, dirname(file.path));
  return { managed: await factory.create(encodeOnnxModel(model), label), outputNames };
}
