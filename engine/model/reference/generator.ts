// Writes a reference model folder: the Hugging Face ONNX layout of SmolVLM (config and
// tokenizer files, onnx/vision_encoder.onnx, onnx/embed_tokens.onnx,
// onnx/decoder_model_merged.onnx) with deterministic weights. The folder is written under a
// temporary name next to its destination and renamed into place when complete.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { OnnxModel } from '../onnx/model-io';
import { writeOnnxModel } from '../onnx/model-io';
import { ExternalTensorStore, InlineTensorStore, type TensorStore } from '../onnx/tensor-store';
import {
  configJson,
  generationConfigJson,
  preprocessorConfigJson,
  processorConfigJson,
  specialTokensMapJson,
  tokenizerConfigJson,
} from './config-files';
import { buildDecoderGraph } from './decoder-graph';
import { buildEmbedGraph } from './embed-graph';
import { DEFAULT_SEED, MANIFEST_FILE, isReferenceModel, makeManifest } from './manifest';
import { referencePreset, type ReferencePreset, type ReferencePresetName } from './presets';
import { buildTokenizer } from './tokenizer-builder';
import { buildVisionGraph } from './vision-graph';

export interface GenerateOptions {
  preset: ReferencePresetName;
  outDir: string;
  seed?: number;
}

export interface GeneratedModel {
  dir: string;
  /** Relative paths of the files written. */
  files: string[];
  bytes: number;
}

export type GraphBuilderFn = (
  preset: ReferencePreset,
  seed: number,
  store: TensorStore,
) => OnnxModel;

/** Builds one graph and writes it (and its .onnx_data when the preset uses external data). */
export function writeGraph(
  dir: string,
  name: string,
  build: GraphBuilderFn,
  preset: ReferencePreset,
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

function writeJson(dir: string, file: string, value: unknown): string {
  writeFileSync(join(dir, file), `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

/** Writes every file of the model into `dir` (which must exist); returns their relative paths. */
function writeModelFiles(dir: string, preset: ReferencePreset, seed: number): string[] {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const tokenizer = buildTokenizer(preset.text.vocabSize);
  const files = [
    writeJson(dir, 'config.json', configJson(preset, tokenizer)),
    writeJson(dir, 'generation_config.json', generationConfigJson(tokenizer)),
    writeJson(dir, 'preprocessor_config.json', preprocessorConfigJson(preset)),
    writeJson(dir, 'processor_config.json', processorConfigJson(preset)),
    writeJson(dir, 'special_tokens_map.json', specialTokensMapJson()),
    writeJson(dir, 'tokenizer.json', tokenizer.json),
    writeJson(dir, 'tokenizer_config.json', tokenizerConfigJson(preset, tokenizer)),
    ...writeGraph(dir, 'vision_encoder', buildVisionGraph, preset, seed, preset.externalData),
    ...writeGraph(dir, 'embed_tokens', buildEmbedGraph, preset, seed, false),
    ...writeGraph(
      dir,
      'decoder_model_merged',
      buildDecoderGraph,
      preset,
      seed,
      preset.externalData,
    ),
  ];
  writeJson(dir, MANIFEST_FILE, makeManifest(preset.name, seed, files));
  return [...files, MANIFEST_FILE];
}

/** Moves `from` onto `to`, replacing a folder already there. */
function replaceDirectory(from: string, to: string): void {
  if (!existsSync(to)) {
    renameSync(from, to);
    return;
  }
  const old = join(dirname(to), `.${basename(to)}.old-${process.pid}-${Date.now()}`);
  renameSync(to, old);
  renameSync(from, to);
  rmSync(old, { recursive: true, force: true });
}

/** Only an empty folder or an earlier reference model may be replaced: never a user's files. */
function checkReplaceable(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) {
    throw new Error(`cannot write the reference model to ${dir}: it exists and is not a folder`);
  }
  if (readdirSync(dir).length > 0 && !isReferenceModel(dir)) {
    throw new Error(
      `refusing to write the reference model into ${dir}: the folder is not empty and is not a generated reference model (no valid ${MANIFEST_FILE})`,
    );
  }
}

/** Generates a reference model into `outDir`: a new or empty folder, or an earlier reference model it replaces. */
export async function generateReferenceModel(options: GenerateOptions): Promise<GeneratedModel> {
  const preset = referencePreset(options.preset);
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`seed must be an integer from 0 to 4294967295, got ${seed}`);
  }
  const dir = resolve(options.outDir);
  checkReplaceable(dir);
  mkdirSync(dirname(dir), { recursive: true });
  const temporary = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(temporary);
  try {
    const files = writeModelFiles(temporary, preset, seed);
    const bytes = files.reduce((sum, file) => sum + statSync(join(temporary, file)).size, 0);
    replaceDirectory(temporary, dir);
    return { dir, files, bytes };
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
}
