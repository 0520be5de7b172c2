// Opening a model folder: read the JSON files, pick the adapter by model_type, build
// the tokenizer and image processor, pick the onnx files by dtype, open one session per
// part and check each signature against the config. Problems are collected, not thrown,
// so the validator can list them all; whatever was opened is released on any problem.
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatBytes } from '../util/files';
import { SessionFactory, type ManagedSession, type SessionSettings } from '../runtime/sessions';
import { adapterFor } from './adapters';
import type { FamilySpec, ImageProcessor, ModelAdapter, ModelPart } from './adapters/types';
import {
  autoDtype,
  chooseOnnxFile,
  OPTIONAL_JSON,
  readJsonFile,
  readOptionalJson,
  REQUIRED_JSON,
  type ChosenOnnxFile,
  type DtypeChoice,
  type ModelDtype,
  type OnnxFileChoice,
} from './folder';
import { withIoTypes } from './io-types';
import { checkSignature } from './signature';
import { findChatTemplate, missingChatTemplateMessage } from './chat-template';
import { createTokenizer, type ModelTokenizer } from './tokenizer';

type Json = Record<string, unknown>;

export interface LoadOptions extends SessionSettings {
  /**
   * Preferred weight dtype(s), in order; the others are tried after. Default fp32 first;
   * `auto`: q8 when every part has it (folder.ts autoDtype), else fp32 first.
   */
  dtype?: DtypeChoice | readonly ModelDtype[];
  /** Told once each thing the model cannot do as asked, and what it does instead. */
  onWarning?: (message: string) => void;
}

export interface ValidationReport {
  dir: string;
  ok: boolean;
  modelType?: string;
  /** What was found, one line each. */
  found: string[];
  /** What is wrong, one line each, naming the file and the tensor or field. */
  problems: string[];
}

export interface ModelJsonFiles {
  config: Json;
  preprocessor: Json;
  tokenizerJson: Json;
  tokenizerConfig: Json;
  generation?: Json;
  processor?: Json;
}

export interface OpenedModel {
  dir: string;
  json: ModelJsonFiles;
  adapter: ModelAdapter;
  spec: FamilySpec;
  tokenizer: ModelTokenizer;
  imageProcessor: ImageProcessor;
  files: Record<ModelPart, ChosenOnnxFile>;
  sessions: Record<ModelPart, ManagedSession>;
  factory: SessionFactory;
}

const PARTS: ModelPart[] = ['vision', 'embed', 'decoder'];

function attempt<T>(problems: string[], what: () => T): T | undefined {
  try {
    return what();
  } catch (error) {
    problems.push((error as Error).message);
    return undefined;
  }
}

function readJson(dir: string, problems: string[]): Partial<ModelJsonFiles> {
  const [config, preprocessor, tokenizerJson, tokenizerConfig] = REQUIRED_JSON.map((name) =>
    attempt(problems, () => readJsonFile(dir, name)),
  );
  const [generation, processor] = OPTIONAL_JSON.map((name) =>
    attempt(problems, () => readOptionalJson(dir, name)),
  );
  return { config, preprocessor, tokenizerJson, tokenizerConfig, generation, processor };
}

function eosFromGeneration(generation?: Json): number[] {
  const eos = generation?.eos_token_id;
  return typeof eos === 'number' ? [eos] : Array.isArray(eos) ? (eos as number[]) : [];
}

function checkTokens(spec: FamilySpec, tokenizer: ModelTokenizer, adapter: ModelAdapter) {
  const id = tokenizer.tokenId(adapter.imageToken);
  if (id !== spec.imageTokenId)
    throw new Error(
      `config.json: image_token_id is ${spec.imageTokenId} but tokenizer.json maps '${adapter.imageToken}' to ${id ?? 'nothing'}`,
    );
}

function describeFile(file: OnnxFileChoice | ChosenOnnxFile): string {
  const bytes = [file.path, ...file.externalData.map((f) => join(dirname(file.path), f))]
    .map((p) => statSync(p, { throwIfNoEntry: false })?.size ?? 0)
    .reduce((a, b) => a + b, 0);
  const external = file.externalData.length
    ? `, external data ${file.externalData.join(', ')}`
    : '';
  const io = 'floatTypes' in file ? `, ${describeIo(file)}` : '';
  return `${file.relative} (${file.dtype}${io}, ${formatBytes(bytes)}${external})`;
}

/** "float32 I/O", or which side is which when inputs and outputs differ. */
function describeIo(file: ChosenOnnxFile): string {
  const types = new Set(Object.values(file.floatTypes));
  if (types.size <= 1) return `${file.floatType} I/O`;
  const names = Object.entries(file.floatTypes);
  const listed = (type: string) =>
    names
      .filter(([, t]) => t === type)
      .map(([n]) => n)
      .slice(0, 2)
      .join(', ');
  return `float32 (${listed('float32')}, …) and float16 (${listed('float16')}, …) I/O`;
}

async function openSessions(
  dir: string,
  adapter: ModelAdapter,
  spec: FamilySpec,
  options: LoadOptions,
  factory: SessionFactory,
  report: ValidationReport,
): Promise<{
  files: Partial<Record<ModelPart, ChosenOnnxFile>>;
  sessions: Partial<Record<ModelPart, ManagedSession>>;
}> {
  const signatures = adapter.signatures(spec);
  const dtype =
    options.dtype === 'auto'
      ? autoDtype(
          dir,
          PARTS.map((part) => signatures[part].file),
        )
      : options.dtype;
  const files: Partial<Record<ModelPart, ChosenOnnxFile>> = {};
  const sessions: Partial<Record<ModelPart, ManagedSession>> = {};
  for (const part of PARTS) {
    const choice = attempt(report.problems, () =>
      chooseOnnxFile(dir, signatures[part].file, dtype),
    );
    if (!choice) continue;
    try {
      const managed = await factory.create(choice.path, choice.relative);
      sessions[part] = managed;
      const file = withIoTypes(choice, managed.session);
      files[part] = file;
      report.found.push(describeFile(file));
      report.problems.push(...checkSignature(file.relative, managed.session, signatures[part]));
    } catch (error) {
      report.found.push(describeFile(choice));
      report.problems.push((error as Error).message);
    }
  }
  return { files, sessions };
}

/** The adapter and family spec from config.json, when they can be read. */
function readFamily(json: Partial<ModelJsonFiles>, report: ValidationReport) {
  const config = json.config;
  const adapter = config && attempt(report.problems, () => adapterFor(config.model_type));
  const spec = adapter && config && attempt(report.problems, () => adapter.readSpec(config));
  if (spec) {
    report.modelType = spec.modelType;
    const t = spec.text;
    report.found.push(
      `config.json: model_type ${spec.modelType}, ${t.numLayers} layers, hidden ${t.hiddenSize}, ${t.numHeads} heads / ${t.numKvHeads} KV heads x ${t.headDim}, vocab ${t.vocabSize}, ${t.maxPositions} positions, rope_theta ${t.rope.theta}; ${spec.tokensPerTile} image tokens per ${spec.tileSize} px tile`,
    );
  }
  return { adapter, spec };
}

/** The tokenizer and image processor, each checked against the family spec. */
function readProcessors(
  dir: string,
  json: Partial<ModelJsonFiles>,
  adapter: ModelAdapter | undefined,
  spec: FamilySpec | undefined,
  report: ValidationReport,
) {
  const { tokenizerJson, tokenizerConfig, preprocessor } = json;
  const chat = attempt(report.problems, () => {
    const found = findChatTemplate(dir, tokenizerConfig);
    if (!found) throw new Error(missingChatTemplateMessage(dir));
    return found;
  });
  if (chat) report.found.push(`chat template: ${chat.file}`);
  const tokenizer =
    tokenizerJson &&
    tokenizerConfig &&
    chat &&
    attempt(report.problems, () =>
      createTokenizer(tokenizerJson, tokenizerConfig, eosFromGeneration(json.generation), chat),
    );
  if (tokenizer)
    report.found.push(`tokenizer.json: eos ids ${tokenizer.special.eos.join(', ') || 'none'}`);
  if (tokenizer && spec && adapter)
    attempt(report.problems, () => checkTokens(spec, tokenizer, adapter));
  const imageProcessor =
    adapter &&
    preprocessor &&
    attempt(report.problems, () => adapter.createImageProcessor(preprocessor));
  if (imageProcessor && spec && imageProcessor.tileSize !== spec.tileSize)
    report.problems.push(
      `preprocessor_config.json: max_image_size.longest_edge is ${imageProcessor.tileSize}, but config.json vision_config.image_size is ${spec.tileSize}`,
    );
  return { tokenizer, imageProcessor };
}

/** One line when the folder itself is not there, instead of one per file it should hold. */
function folderProblem(dir: string): string | undefined {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat) return `model folder does not exist: ${dir}`;
  if (!stat.isDirectory()) return `model folder is not a folder: ${dir}`;
  return undefined;
}

/**
 * Opens everything a model needs. On success `model` is set and owns the sessions;
 * on any problem every session opened so far is released and `model` is undefined.
 */
export async function openModelFolder(
  dir: string,
  options: LoadOptions = {},
): Promise<{ report: ValidationReport; model?: OpenedModel }> {
  const report: ValidationReport = { dir, ok: false, found: [], problems: [] };
  const missing = folderProblem(dir);
  if (missing) {
    report.problems.push(missing);
    return { report };
  }
  const json = readJson(dir, report.problems);
  const { adapter, spec } = readFamily(json, report);
  const { tokenizer, imageProcessor } = readProcessors(dir, json, adapter, spec, report);

  const factory = new SessionFactory(options);
  const opened =
    adapter && spec
      ? await openSessions(dir, adapter, spec, options, factory, report)
      : { files: {}, sessions: {} };
  report.found.push(
    `execution provider: ${factory.provider}${factory.notice ? ` (${factory.notice})` : ''}`,
  );
  report.ok = report.problems.length === 0;
  if (!report.ok || !adapter || !spec || !tokenizer || !imageProcessor) {
    await Promise.all(Object.values(opened.sessions).map((s) => s.release()));
    return { report };
  }
  return {
    report,
    model: {
      dir,
      json: json as ModelJsonFiles,
      adapter,
      spec,
      tokenizer,
      imageProcessor,
      files: opened.files as Record<ModelPart, ChosenOnnxFile>,
      sessions: opened.sessions as Record<ModelPart, ManagedSession>,
      factory,
    },
  };
}

/** Checks a model folder without keeping anything open. Never throws for a bad folder. */
export async function validateModelFolder(
  dir: string,
  options: LoadOptions = {},
): Promise<ValidationReport> {
  try {
    const { report, model } = await openModelFolder(dir, options);
    if (model) await Promise.all(Object.values(model.sessions).map((s) => s.release()));
    return report;
  } catch (error) {
    return {
      dir,
      ok: false,
      found: [],
      problems: [`unexpected error: ${(error as Error).message}`],
    };
  }
}
