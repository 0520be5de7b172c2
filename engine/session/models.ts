// Which model answers, under one name in every entry point: `reference:<preset>` for the
// generated reference model, `org/name[@revision]` for a model pulled from the Hugging
// Face Hub (its snapshot in the Hugging Face cache), otherwise the model folder's path.
// The session loads one model at a time and keeps it until another is chosen.
import { existsSync } from 'node:fs';
import { configuredDtype, type ExecutionProviderChoice } from '../config';
import type { DtypeChoice } from '../model';
import {
  DEFAULT_MODEL_REPO,
  findCachedModel,
  hubCacheDir,
  installedDefaultModel,
  looksLikeHubId,
  parseModelRef,
} from '../hub';
import { loadModel, type VisionLanguageModel } from '../model';
import { ensureReferenceModel, isReferencePresetName, REFERENCE_PRESETS } from '../model/reference';
import type { StreamModel } from '../stream';
import { adaptModel } from '../stream/model-adapter';

export const REFERENCE_PREFIX = 'reference:';
/** The model that answers when none is configured. Its answers mean nothing. */
export const DEFAULT_MODEL_ID = `${REFERENCE_PREFIX}tiny`;
/**
 * The reference models model lists offer. `qwen2-vl-2b-shape` (9.2 GB of generated weights,
 * for benchmarks) is accepted by name but not offered: picking it from a list would start
 * writing gigabytes of meaningless weights.
 */
export const REFERENCE_MODEL_IDS = REFERENCE_PRESETS.filter((p) => p !== 'qwen2-vl-2b-shape').map(
  (p) => `${REFERENCE_PREFIX}${p}`,
);

export interface LoadedModel {
  /** The model's one name: `reference:tiny`, or its folder. */
  id: string;
  dir: string;
  /** True for a generated reference model (its answers mean nothing). */
  reference: boolean;
  /** For a model pulled from the Hub: its repository and the commit of the snapshot. */
  hub?: { repo: string; revision: string };
  model: VisionLanguageModel;
  stream: StreamModel;
}

/** A model name that names no usable model; `kind` says why. */
export class ModelChoiceError extends Error {
  override name = 'ModelChoiceError';
  constructor(
    readonly kind: 'unknown-reference' | 'missing-folder',
    message: string,
    readonly id: string,
  ) {
    super(message);
  }
}

export function isReferenceModelId(id: string): boolean {
  return id.startsWith(REFERENCE_PREFIX);
}

/** The model a user configured (VLM_MODEL_DIR), else the pulled default model, else the reference model. */
export function defaultModelId(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VLM_MODEL_DIR) return env.VLM_MODEL_DIR;
  return installedDefaultModel(env) ? DEFAULT_MODEL_REPO : DEFAULT_MODEL_ID;
}

/** True for `org/name[@revision]` that is not an existing folder (a folder by that path wins). */
export function isHubModelId(id: string): boolean {
  return !isReferenceModelId(id) && looksLikeHubId(id) && !existsSync(id);
}

/** The snapshot of a pulled Hub model, with its commit; the Error says how to pull it. */
export function hubModelSnapshot(id: string, env: NodeJS.ProcessEnv = process.env) {
  const { repo, revision } = parseModelRef(id);
  const cached = findCachedModel(hubCacheDir(env), repo, revision, 'auto');
  if (!cached)
    throw new ModelChoiceError(
      'missing-folder',
      `model ${id} is not pulled into the Hugging Face cache (${hubCacheDir(env)}): run vlm model pull ${id}`,
      id,
    );
  return cached;
}

/** The folder behind a model name, generating the reference model on first use. */
export async function modelFolder(id: string, cacheDir: string | undefined): Promise<string> {
  if (isHubModelId(id)) return hubModelSnapshot(id).dir;
  if (!isReferenceModelId(id)) {
    if (!existsSync(id))
      throw new ModelChoiceError('missing-folder', `model folder does not exist: ${id}`, id);
    return id;
  }
  const preset = id.slice(REFERENCE_PREFIX.length);
  if (!isReferencePresetName(preset))
    throw new ModelChoiceError(
      'unknown-reference',
      `unknown reference model '${preset}'; choose one of ${REFERENCE_MODEL_IDS.join(', ')}`,
      id,
    );
  return ensureReferenceModel(preset, cacheDir);
}

export interface ModelLoadSettings {
  provider?: ExecutionProviderChoice;
  threads?: number;
  /** The weight dtype to load (default: VLM_DTYPE, else auto: q8 when the folder has it). */
  dtype?: DtypeChoice;
  /** Where VLM_DTYPE is read (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Where the reference model is generated (default: the engine's cache directory). */
  cacheDir?: string;
}

/** The model the session answers with: one loaded at a time, loaded on first use. */
export class ModelSlot {
  private loading: { id: string; promise: Promise<LoadedModel> } | undefined;

  constructor(private readonly settings: ModelLoadSettings = {}) {}

  /** The model named `id`, loaded once; a failed load is retried on the next call. */
  load(id: string): Promise<LoadedModel> {
    if (this.loading?.id === id) return this.loading.promise;
    // Streams opened on the previous model keep it: it is not disposed here.
    const attempt = { id, promise: this.open(id) };
    this.loading = attempt;
    attempt.promise.catch(() => {
      if (this.loading === attempt) this.loading = undefined;
    });
    return attempt.promise;
  }

  async dispose(): Promise<void> {
    const loaded = await this.loading?.promise.catch(() => undefined);
    this.loading = undefined;
    await loaded?.model.dispose();
  }

  private async open(id: string): Promise<LoadedModel> {
    const dir = await modelFolder(id, this.settings.cacheDir);
    const model = await loadModel(dir, {
      provider: this.settings.provider,
      intraOpThreads: this.settings.threads,
      // A bad VLM_DTYPE fails this load with its name, not the session's construction.
      dtype: this.settings.dtype ?? configuredDtype(this.settings.env),
    });
    const hub = isHubModelId(id)
      ? { repo: parseModelRef(id).repo, revision: hubModelSnapshot(id).revision }
      : undefined;
    return { id, dir, reference: isReferenceModelId(id), hub, model, stream: adaptModel(model) };
  }
}
