// Reading and writing ONNX model files (protobuf, through protobufjs and the ONNX schema).
// Models are plain objects whose field names are the ONNX ones (op_type, raw_data, ...), so
// code that edits a graph (adding outputs, renaming) reads like the ONNX documentation.
// Weights kept in an external `.onnx_data` file stay there: reading a model does not load
// them, and writing it back keeps the references as they are.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { onnxModelType } from './schema';

export interface OnnxKeyValue {
  key: string;
  value: string;
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  data_type: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  /** location, offset, length (of the bytes in the `.onnx_data` file). */
  external_data?: OnnxKeyValue[];
  /** 1 = EXTERNAL. */
  data_location?: number;
}

export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
}

export interface OnnxNode {
  name: string;
  op_type: string;
  domain?: string;
  input: string[];
  output: string[];
  attribute?: OnnxAttribute[];
}

/** A dimension: a fixed size or a symbolic name such as "batch_size". */
export interface OnnxDimension {
  dim_value?: number;
  dim_param?: string;
}

export interface OnnxValueInfo {
  name: string;
  type: { tensor_type: { elem_type: number; shape?: { dim?: OnnxDimension[] } } };
}

export interface OnnxGraph {
  name: string;
  node: OnnxNode[];
  initializer?: OnnxTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
  value_info?: OnnxValueInfo[];
}

export interface OnnxModel {
  ir_version: number;
  opset_import: { domain?: string; version: number }[];
  producer_name?: string;
  producer_version?: string;
  doc_string?: string;
  graph: OnnxGraph;
  metadata_props?: OnnxKeyValue[];
}

/** Serialises a model to protobuf bytes. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const type = onnxModelType();
  const message = type.fromObject(model);
  return type.encode(message).finish();
}

/** Parses protobuf bytes into a model; `source` names the file in error messages. */
export function decodeOnnxModel(bytes: Uint8Array, source = 'ONNX model'): OnnxModel {
  const type = onnxModelType();
  let decoded;
  try {
    decoded = type.decode(bytes);
  } catch (error) {
    throw new Error(
      `${source}: not a valid ONNX protobuf (${(error as Error).message}); the file may be truncated or not an .onnx file`,
    );
  }
  const model = type.toObject(decoded, {
    longs: Number,
    enums: Number,
    arrays: true,
    defaults: false,
  }) as OnnxModel;
  if (!model.graph || !Array.isArray(model.graph.node) || model.graph.node.length === 0) {
    throw new Error(`${source}: the ONNX model has no graph nodes; the file may be truncated`);
  }
  model.graph.input ??= [];
  model.graph.output ??= [];
  return model;
}

/** Reads an .onnx file. External weights stay in their `.onnx_data` file (see externalDataFiles). */
export function readOnnxModel(path: string): OnnxModel {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read ONNX model ${path}: ${(error as Error).message}`);
  }
  return decodeOnnxModel(bytes, path);
}

/**
 * Writes an .onnx file atomically (temporary name, then rename). External-data references are
 * written as they are, relative to the file's folder, so a model read from a folder must be
 * written back into the same folder (or its `.onnx_data` copied along).
 */
export function writeOnnxModel(path: string, model: OnnxModel): number {
  const bytes = encodeOnnxModel(model);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return bytes.length;
}

/** The distinct external data files (locations relative to the model's folder) a model uses. */
export function externalDataFiles(model: OnnxModel): string[] {
  const files = new Set<string>();
  for (const tensor of model.graph.initializer ?? []) {
    const location = tensor.external_data?.find((entry) => entry.key === 'location');
    if (location) files.add(location.value);
  }
  return [...files];
}

/** The shape of a graph input or output: numbers for fixed sizes, strings for symbolic ones. */
export function valueInfoShape(info: OnnxValueInfo): (number | string)[] {
  return (info.type.tensor_type.shape?.dim ?? []).map(
    (dim) => dim.dim_param ?? dim.dim_value ?? '?',
  );
}
