// A float16-I/O copy of a generated model's decoder (onnx/decoder_model_merged_fp16.onnx),
// read with `dtype: 'fp16'`. Its weights stay float32 (and in the same files); only the
// embeddings, KV cache and logits cross the graph's edge as float16, as they do with the
// fp16 and q4f16 exports of real models.
import { join } from 'node:path';
import { useFloat16Io } from '../onnx/float16-io';
import { readOnnxModel, writeOnnxModel } from '../onnx/model-io';

/** Writes the float16-I/O decoder next to the float32 one; returns its path. */
export function writeFloat16IoDecoder(modelDir: string): string {
  const model = readOnnxModel(join(modelDir, 'onnx', 'decoder_model_merged.onnx'));
  useFloat16Io(model);
  const path = join(modelDir, 'onnx', 'decoder_model_merged_fp16.onnx');
  writeOnnxModel(path, model);
  return path;
}
