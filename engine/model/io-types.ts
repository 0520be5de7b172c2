// The float types at a graph's edge, read from the open session's metadata. Exports differ
// per file and even per tensor: fp16 decoders re-uploaded with a Cast on inputs_embeds take
// float32 embeddings while their weights are float16, so the only trustworthy source is
// what onnxruntime reports for each input and output.
import type * as ort from 'onnxruntime-node';
import type { ChosenOnnxFile, FloatType, OnnxFileChoice } from './folder';

type Metadata = Pick<ort.InferenceSession, 'inputMetadata' | 'outputMetadata'>;

function floatTypeOf(meta: ort.InferenceSession.ValueMetadata): FloatType | undefined {
  if (!meta.isTensor) return undefined;
  return meta.type === 'float32' || meta.type === 'float16' ? meta.type : undefined;
}

/** Each float input's and output's type, by name. */
export function floatTypesOf(session: Metadata): Record<string, FloatType> {
  const types: Record<string, FloatType> = {};
  for (const meta of [...session.inputMetadata, ...session.outputMetadata]) {
    const type = floatTypeOf(meta);
    if (type) types[meta.name] = type;
  }
  return types;
}

/** The file with its I/O types filled in from the session that opened it. */
export function withIoTypes(file: OnnxFileChoice, session: Metadata): ChosenOnnxFile {
  const floatTypes = floatTypesOf(session);
  const first = [...session.inputMetadata, ...session.outputMetadata].find(
    (meta) => floatTypeOf(meta) !== undefined,
  );
  return { ...file, floatTypes, floatType: (first && floatTypeOf(first)) ?? 'float32' };
}

/** The type a named input takes; the file's main float type for a name it does not list. */
export function ioType(file: ChosenOnnxFile, name: string): FloatType {
  return file.floatTypes[name] ?? file.floatType;
}
