// Where initializer bytes go while a graph is built: inside the .onnx file (raw_data), or
// streamed into an external `.onnx_data` file, as large real exports do. Float weights arrive
// in chunks from a fill function, so a large tensor never needs more than one chunk in memory
// when it goes to the external file.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { OnnxTensor } from './model-io';
import { TensorDataType } from './schema';

/** Fills `out` with the tensor's elements [start, start + out.length) in row-major order. */
export type FloatFill = (out: Float32Array, start: number) => void;

const CHUNK_ELEMENTS = 1 << 20;
/** onnx.external_data_helper's default: smaller tensors stay inside the model file. */
const EXTERNAL_THRESHOLD_BYTES = 1024;
/** External offsets are page aligned so runtimes can mmap the data file. */
const PAGE = 4096;

export interface TensorStore {
  addFloat(name: string, dims: number[], fill: FloatFill): OnnxTensor;
  /** Writes whatever is still buffered; returns the external data bytes written (0 if none). */
  finish(): number;
}

function elementCount(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function floatBytes(count: number, fill: FloatFill): Uint8Array {
  const values = new Float32Array(count);
  for (let start = 0; start < count; start += CHUNK_ELEMENTS) {
    fill(values.subarray(start, Math.min(count, start + CHUNK_ELEMENTS)), start);
  }
  return new Uint8Array(values.buffer);
}

/** Keeps every tensor inside the .onnx file. */
export class InlineTensorStore implements TensorStore {
  addFloat(name: string, dims: number[], fill: FloatFill): OnnxTensor {
    return {
      name,
      dims,
      data_type: TensorDataType.FLOAT,
      raw_data: floatBytes(elementCount(dims), fill),
    };
  }

  finish(): number {
    return 0;
  }
}

/**
 * Streams tensors of 1 KiB or more into one external data file; `location` is the file's
 * name relative to the .onnx file (e.g. "decoder_model_merged.onnx_data").
 */
export class ExternalTensorStore implements TensorStore {
  private fd: number;
  private offset = 0;
  private readonly chunk = new Float32Array(CHUNK_ELEMENTS);

  constructor(
    dataPath: string,
    private readonly location: string,
  ) {
    this.fd = openSync(dataPath, 'w');
  }

  addFloat(name: string, dims: number[], fill: FloatFill): OnnxTensor {
    const count = elementCount(dims);
    if (count * 4 < EXTERNAL_THRESHOLD_BYTES) {
      return new InlineTensorStore().addFloat(name, dims, fill);
    }
    this.pad();
    const begin = this.offset;
    for (let start = 0; start < count; start += CHUNK_ELEMENTS) {
      const part = this.chunk.subarray(0, Math.min(CHUNK_ELEMENTS, count - start));
      fill(part, start);
      this.write(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
    }
    return {
      name,
      dims,
      data_type: TensorDataType.FLOAT,
      data_location: 1,
      external_data: [
        { key: 'location', value: this.location },
        { key: 'offset', value: String(begin) },
        { key: 'length', value: String(count * 4) },
      ],
    };
  }

  finish(): number {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
    return this.offset;
  }

  private pad(): void {
    const gap = (PAGE - (this.offset % PAGE)) % PAGE;
    if (gap > 0) this.write(new Uint8Array(gap));
  }

  private write(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      done += writeSync(this.fd, bytes, done, bytes.length - done, this.offset + done);
    }
    this.offset += bytes.length;
  }
}
