// Writes a reference model folder: the Hugging Face ONNX layout of SmolVLM or, for the
// qwen2-vl-* presets, of Qwen2-VL (config and tokenizer files, onnx/vision_encoder.onnx,
// onnx/embed_tokens.onnx, onnx/decoder_model_merged.onnx) with deterministic weights. The
// folder is written under a temporary name next to its destination and renamed into place
// when complete.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
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
import { writeGraph, writeJson, type GraphBuilderFn } from './graph-files';
import { DEFAULT_SEED, MANIFEST_FILE, isReferenceModel, makeManifest } from './manifest';
import {
  anyReferencePreset,
  type AnyReferencePreset,
  type ReferencePreset,
  type ReferencePresetName,
} from './presets';
import { writeQwen2VlModelFiles } from './qwen2-vl/files';
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

export { writeGraph, type GraphBuilderFn };

/** Writes every file of a SmolVLM-layout model into `dir` (which must exist). */
function writeSmolVlmModelFiles(dir: string, preset: ReferencePreset, seed: number): string[] {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const tokenizer = buildTokenizer(preset.text.vocabSize);
  return [
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
}

/** Writes every file of the model and its manifest into `dir`; returns their relative paths. */
function writeModelFiles(dir: string, preset: AnyReferencePreset, seed: number): string[] {
  const files =
    preset.family === 'qwen2-vl'
      ? writeQwen2VlModelFiles(dir, preset, seed)
      : writeSmolVlmModelFiles(dir, preset, seed);
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
  const preset = anyReferencePreset(options.preset);
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
