// Which files of a repository one dtype needs: the root JSON files the processor and
// tokenizer read, and per ONNX part (vision_encoder, embed_tokens, decoder_model_merged…)
// the file the loader would choose for that dtype, with its external weight files.
import {
  dtypeFileSuffixes,
  MODEL_DTYPES,
  OPTIONAL_JSON,
  REQUIRED_JSON,
  type ModelDtype,
} from '../model/folder';
import { HubError } from './errors';

export type PullDtype = 'auto' | ModelDtype;
export const PULL_DTYPES: readonly PullDtype[] = ['auto', ...MODEL_DTYPES];

/**
 * 'auto' takes the 8-bit export when every part has one: about a quarter of fp32's download
 * and fast on CPUs; then the others in the loader's order.
 */
const AUTO_ORDER: readonly ModelDtype[] = ['q8', 'fp32', 'fp16', 'q4'];

const ROOT_FILES = new Set<string>([
  ...REQUIRED_JSON,
  ...OPTIONAL_JSON,
  'special_tokens_map.json',
  'added_tokens.json',
  'chat_template.json',
  'chat_template.jinja',
]);

/** Suffixes exported by transformers.js that this engine does not load (so never a part name). */
const FOREIGN_SUFFIXES = ['_bnb4'];

export interface RepoFile {
  path: string;
  size: number;
}

function allSuffixes(): string[] {
  const known = MODEL_DTYPES.flatMap((d) => dtypeFileSuffixes(d));
  return [...known, ...FOREIGN_SUFFIXES].filter(Boolean).sort((a, b) => b.length - a.length);
}

/** The part names in onnx/: every `<part><suffix>.onnx` counts once. */
export function onnxParts(paths: readonly string[]): string[] {
  const suffixes = allSuffixes();
  const parts = new Set<string>();
  for (const path of paths) {
    const match = /^onnx\/([^/]+)\.onnx$/.exec(path);
    if (!match) continue;
    const name = match[1];
    const suffix = suffixes.find((s) => name.endsWith(s) && name.length > s.length);
    parts.add(suffix ? name.slice(0, -suffix.length) : name);
  }
  return [...parts].sort();
}

/** The onnx files of `dtype` for every part, or undefined when some part has none. */
function filesOfDtype(paths: readonly string[], parts: string[], dtype: ModelDtype) {
  const chosen: string[] = [];
  for (const part of parts) {
    const file = dtypeFileSuffixes(dtype)
      .map((suffix) => `onnx/${part}${suffix}.onnx`)
      .find((p) => paths.includes(p));
    if (!file) return undefined;
    chosen.push(file, ...paths.filter((p) => p.startsWith(`${file}_data`)));
  }
  return chosen;
}

/** The dtypes every part of this repository has. */
export function availableDtypes(paths: readonly string[]): ModelDtype[] {
  const parts = onnxParts(paths);
  return MODEL_DTYPES.filter((d) => parts.length > 0 && filesOfDtype(paths, parts, d));
}

/** The files to fetch for `dtype`; the Error names the repository and what it lacks. */
export function selectFiles<T extends RepoFile>(
  files: readonly T[],
  dtype: PullDtype,
  what: string,
): { files: T[]; dtype: ModelDtype } {
  const paths = files.map((f) => f.path);
  const missing = REQUIRED_JSON.filter((name) => !paths.includes(name));
  const parts = onnxParts(paths);
  if (missing.length || parts.length === 0)
    throw new HubError(
      'layout',
      `${what} is not a model in the Hugging Face ONNX layout: ` +
        (missing.length ? `missing ${missing.join(', ')}` : 'no onnx/*.onnx files'),
    );
  for (const d of dtype === 'auto' ? AUTO_ORDER : [dtype]) {
    const onnx = filesOfDtype(paths, parts, d);
    if (!onnx) continue;
    const wanted = new Set([...paths.filter((p) => ROOT_FILES.has(p)), ...onnx]);
    return { files: files.filter((f) => wanted.has(f.path)), dtype: d };
  }
  const available = availableDtypes(paths);
  throw new HubError(
    'not-found',
    `${what} has no ${dtype} export of every part (${parts.join(', ')}); ` +
      `available: ${available.length ? available.join(', ') : 'none this engine loads'}`,
  );
}

/**
 * `files` in the order a pull links them into a snapshot: every `.onnx` graph after all the
 * other files, so that a snapshot holding a graph holds its external weights
 * (`<graph>_data`, `<graph>_data_1`…, which the Hub lists after it) and the JSON files too.
 * The cache check (`findCachedModel`) sees only the names present; with this order a pull
 * broken off anywhere leaves a graph missing, never a graph without its weights.
 */
export function graphsLast<T>(files: readonly T[], pathOf: (file: T) => string): T[] {
  const isGraph = (f: T) => Number(pathOf(f).endsWith('.onnx'));
  return [...files].sort((a, b) => isGraph(a) - isGraph(b));
}
