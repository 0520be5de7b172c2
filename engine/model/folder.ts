// Reading a model folder in the Hugging Face ONNX layout: the JSON files, and which
// onnx/<name><suffix>.onnx file to use for each part given a dtype preference.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'q4';
export const MODEL_DTYPES: readonly ModelDtype[] = ['fp32', 'fp16', 'q8', 'q4'];

/**
 * File-name suffixes per dtype, as transformers.js names them. A name says nothing reliable
 * about the float type at the graph's edge (HF re-uploaded fp16 decoders with float32
 * inputs), so that is read from the session's metadata once it is open (io-types.ts).
 */
const SUFFIXES: Record<ModelDtype, string[]> = {
  fp32: [''],
  fp16: ['_fp16'],
  q8: ['_quantized', '_int8', '_uint8'],
  q4: ['_q4', '_q4f16'],
};

/** The file-name suffixes of one dtype, in the order the loader tries them (shared with the Hub pull). */
export function dtypeFileSuffixes(dtype: ModelDtype): readonly string[] {
  return SUFFIXES[dtype];
}

export type FloatType = 'float32' | 'float16';

/** An .onnx file picked by name, before a session has told its I/O types. */
export interface OnnxFileChoice {
  /** Absolute path of the .onnx file. */
  path: string;
  /** Path relative to the model folder, for messages. */
  relative: string;
  dtype: ModelDtype;
  /** External weight files next to it (`<file>.onnx_data`, `<file>.onnx_data_1`…). */
  externalData: string[];
}

export interface ChosenOnnxFile extends OnnxFileChoice {
  /** The float type of the graph's first float input (its first float output when it has none). */
  floatType: FloatType;
  /** Every float input's and output's own type, from the session's metadata. */
  floatTypes: Record<string, FloatType>;
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

/** A dtype, or `auto`: the one that runs best on a CPU among those the folder has. */
export type DtypeChoice = ModelDtype | 'auto';
export const DTYPE_CHOICES: readonly DtypeChoice[] = ['auto', ...MODEL_DTYPES];

/**
 * What `auto` loads: q8 when every part has a q8 file, else the fp32-first order. On 2 CPU
 * cores, q8 encodes a frame 1.8x faster than fp32 with half the memory, and its greedy
 * tokens agree with fp32's (docs/models.md, `vlm bench --only dtype,ask-rtf`); q4
 * (MatMulNBits) is smaller but no faster than fp32 there, so it is never picked unasked.
 */
export function autoDtype(dir: string, bases: readonly string[]): ModelDtype | undefined {
  const onnxDir = join(dir, 'onnx');
  const present = existsSync(onnxDir) ? readdirSync(onnxDir) : [];
  const hasQ8 = (base: string) =>
    SUFFIXES.q8.some((suffix) => present.includes(`${base}${suffix}.onnx`));
  return bases.length > 0 && bases.every(hasQ8) ? 'q8' : undefined;
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
): OnnxFileChoice {
  const onnxDir = join(dir, 'onnx');
  const present = existsSync(onnxDir) ? readdirSync(onnxDir) : [];
  const tried: string[] = [];
  for (const dtype of dtypeOrder(preference)) {
    for (const suffix of SUFFIXES[dtype]) {
      const name = `${base}${suffix}.onnx`;
      tried.push(name);
      if (!present.includes(name)) continue;
      return {
        path: join(onnxDir, name),
        relative: `onnx/${name}`,
        dtype,
        externalData: present.filter((f) => f.startsWith(`${name}_data`)).sort(),
      };
    }
  }
  throw new Error(`onnx/${base}*.onnx: not found (tried ${tried.join(', ')} in ${onnxDir})`);
}
