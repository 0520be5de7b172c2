// Writing one generated file of a reference folder: a graph (with its .onnx_data when the
// weights go to an external file) or a JSON file. Shared by both families' writers.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OnnxModel } from '../onnx/model-io';
import { writeOnnxModel } from '../onnx/model-io';
import { ExternalTensorStore, InlineTensorStore, type TensorStore } from '../onnx/tensor-store';

export type GraphBuilderFn<P> = (preset: P, seed: number, store: TensorStore) => OnnxModel;

/** Builds one graph and writes it (and its .onnx_data when the preset uses external data). */
export function writeGraph<P>(
  dir: string,
  name: string,
  build: GraphBuilderFn<P>,
  preset: P,
  seed: number,
  external: boolean,
): string[] {
  const file = `${name}.onnx`;
  const dataFile = `${file}_data`;
  const store = external
    ? new ExternalTensorStore(join(dir, 'onnx', dataFile), dataFile)
    : new InlineTensorStore();
  let model: OnnxModel;
  try {
    model = build(preset, seed, store);
  } finally {
    store.finish();
  }
  writeOnnxModel(join(dir, 'onnx', file), model);
  return external ? [`onnx/${file}`, `onnx/${dataFile}`] : [`onnx/${file}`];
}

export function writeJson(dir: string, file: string, value: unknown): string {
  writeFileSync(join(dir, file), `${JSON.stringify(value, null, 2)}\n`);
  return file;
}
