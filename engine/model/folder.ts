// Reading a model folder in the Hugging Face ONNX layout: the JSON files, and which
// onnx/<name><suffix>.onnx file to use for each part given a dtype preference.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'q4';
export const MODEL_DTYPES: readonly ModelDtype[] = ['fp32', 'fp16', 'q8', 'q4'];

/** File-name suffixes per dtype, as transformers.js names them, with their I/O float type. */
const SUFFIXES: Record<ModelDtype, { suffix: string; io: 'float32' | 'float16' }[]> = {
  fp32: [{ suffix: '', io: 'float32' }],
  fp16: [{ suffix: '_fp16', io: 'float16' }],
  q8: [
    { suffix: '_quantized', io: 'float32' },
    { suffix: '_int8', io: 'float32' },
    { suffix: '_uint8', io: 'float32' },
  ],
  q4: [
    { suffix: '_q4', io: 'float32' },
    { suffix: '_q4f16', io: 'float16' },
  ],
};

/** The file-name suffixes of one dtype, in the order the loader tries them (shared with the Hub pull). */
export function dtypeFileSuffixes(
  dtype: ModelDtype,
): readonly { suffix: string; io: 'float32' | 'float16' }[] {
  return SUFFIXES[dtype];
}

export interface ChosenOnnxFile {
  /** Absolute path of the .onnx file. */
  path: string;
  /** Path relative to the model folder, for messages. */
  relative: string;
  dtype: ModelDtype;
  /** The float type its inputs and outputs are expected to use. */
  floatType: 'float32' | 'float16';
  /** External weight files next to it (`<file>.onnx_data`, `<file>.onnx_data_1`…). */
  externalData: string[];
}

type Json = Record<string, unknown>;

export const REQUIRED_JSON = [
  'config.json',
  'preprocessor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
] as const;
export const OPTIONAL_JSON = ['generation_config.json', 'processor_config.json'] as const;

/** Reads a JSON object; the Error names the file and what is wrong with it. */
export function readJsonFile(dir: string, name: string): Json {
  const path = join(dir, name);
  if (!existsSync(path)) throw new Error(`${name}: missing (looked in ${dir})`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${name}: not valid JSON (${(error as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${name}: expected a JSON object`);
  return value as Json;
}

export function readOptionalJson(dir: string, name: string): Json | undefined {
  return existsSync(join(dir, name)) ? readJsonFile(dir, name) : undefined;
}

/** The dtype preference as an ordered list: the preferred one first, then the rest. */
export function dtypeOrder(preference?: ModelDtype | readonly ModelDtype[]): ModelDtype[] {
  const first =
    preference === undefined ? [] : Array.isArray(preference) ? preference : [preference];
  for (const d of first)
    if (!MODEL_DTYPES.includes(d))
      throw new Error(`dtype "${d}" is not one of ${MODEL_DTYPES.join(', ')}`);
  return [...new Set([...(first as ModelDtype[]), ...MODEL_DTYPES])];
}

/** Picks onnx/<base><suffix>.onnx by dtype preference; the Error lists every name tried. */
export function chooseOnnxFile(
  dir: string,
  base: string,
  preference?: ModelDtype | readonly ModelDtype[],
): ChosenOnnxFile {
  const onnxDir = join(dir, 'onnx');
  const present = existsSync(onnxDir) ? readdirSync(onnxDir) : [];
  const tried: string[] = [];
  for (const dtype of dtypeOrder(preference)) {
    for (const { suffix, io } of SUFFIXES[dtype]) {
      const name = `${base}${suffix}.onnx`;
      tried.push(name);
      if (!present.includes(name)) continue;
      return {
        path: join(onnxDir, name),
        relative: `onnx/${name}`,
        dtype,
        floatType: io,
        externalData: present.filter((f) => f.startsWith(`${name}_data`)).sort(),
      };
    }
  }
  throw new Error(`onnx/${base}*.onnx: not found (tried ${tried.join(', ')} in ${onnxDir})`);
}
