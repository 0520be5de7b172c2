// Reading a float32 initializer's values, wherever they are stored: raw_data, float_data,
// or an external `.onnx_data` file next to the model.
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { OnnxModel, OnnxTensor } from './model-io';
import { TensorDataType } from './schema';

/** Reads float32 initializers of one model, keeping external data files open until close(). */
export class InitializerReader {
  private readonly files = new Map<string, number>();

  constructor(private readonly modelDir: string) {}

  floats(tensor: OnnxTensor): Float32Array {
    if (tensor.data_type !== TensorDataType.FLOAT)
      throw new Error(`initializer ${tensor.name} is not float32 (data_type ${tensor.data_type})`);
    if (tensor.float_data?.length) return Float32Array.from(tensor.float_data);
    const bytes = tensor.raw_data ?? this.external(tensor);
    // A copy: protobuf byte views need not be 4-byte aligned.
    return new Float32Array(Uint8Array.from(bytes).buffer);
  }

  private external(tensor: OnnxTensor): Uint8Array {
    const entries = new Map((tensor.external_data ?? []).map((e) => [e.key, e.value]));
    const location = entries.get('location');
    if (!location) throw new Error(`initializer ${tensor.name} has no data`);
    let fd = this.files.get(location);
    if (fd === undefined) {
      fd = openSync(join(this.modelDir, location), 'r');
      this.files.set(location, fd);
    }
    const length = Number(entries.get('length'));
    const bytes = new Uint8Array(length);
    if (readSync(fd, bytes, 0, length, Number(entries.get('offset') ?? 0)) !== length)
      throw new Error(`${location}: shorter than the ${tensor.name} weights it should hold`);
    return bytes;
  }

  close(): void {
    for (const fd of this.files.values()) closeSync(fd);
    this.files.clear();
  }
}

/** Initializers by name. */
export function initializerMap(model: OnnxModel): Map<string, OnnxTensor> {
  return new Map((model.graph.initializer ?? []).map((t) => [t.name, t]));
}
