// The model the engine answers with (worker side): which one is selected, loading it on
// first use (with progress), validating folders, listing the choices.
import { existsSync } from 'node:fs';
import { configuredModelDir, type ExecutionProviderChoice } from '../../engine/config';
import {
  loadModel,
  ModelLoadError,
  validateModelFolder,
  type VisionLanguageModel,
} from '../../engine/model';
import {
  ensureReferenceModel,
  REFERENCE_PRESETS,
  isReferencePresetName,
} from '../../engine/model/reference';
import { adaptModel } from '../../engine/stream/model-adapter';
import type { StreamModel } from '../../engine/stream';
import {
  VlmErrorCodes,
  type ListModelsResult,
  type ModelInfo,
  type SelectModelResult,
  type ValidateModelResult,
} from '../../protocol/protocol';
import { uriToPath } from '../uri';
import { cacheDir, engineSettings, positive } from './config';
import { EngineError } from './engine-error';
import type { CallContext } from './types';

export interface LoadedModel {
  id: string;
  dir: string;
  model: VisionLanguageModel;
  stream: StreamModel;
}

const REFERENCE_PREFIX = 'reference:';
export const DEFAULT_REFERENCE = `${REFERENCE_PREFIX}tiny`;

/** What vlm/selectModel chose; otherwise the vlm.modelPath setting, VLM_MODEL_DIR, the reference model. */
let explicitSelection: string | undefined;
let loading: { id: string; promise: Promise<LoadedModel> } | undefined;

/** The selected model, loaded on first use; progress goes to the calling request. */
function selectedModelId(): string {
  return (
    explicitSelection ?? (engineSettings().modelPath || configuredModelDir() || DEFAULT_REFERENCE)
  );
}

export function currentModel(ctx: CallContext): Promise<LoadedModel> {
  const selectedId = selectedModelId();
  if (loading?.id !== selectedId) loading = { id: selectedId, promise: load(selectedId, ctx) };
  const attempt = loading;
  // A failed load is not cached: the next request tries again (the folder may be fixed).
  attempt.promise.catch(() => {
    if (loading === attempt) loading = undefined;
  });
  return attempt.promise;
}

async function load(id: string, ctx: CallContext): Promise<LoadedModel> {
  const started = performance.now();
  ctx.notify({ kind: 'engineState', payload: { state: 'loadingModel', model: id } });
  ctx.emit({ kind: 'progress', message: `loading model ${id}`, percentage: 0 });
  try {
    const dir = await modelDir(id);
    ctx.emit({ kind: 'progress', message: `opening ${dir}`, percentage: 30 });
    const { executionProvider, threads } = engineSettings();
    const model = await loadModel(dir, {
      provider: executionProvider as ExecutionProviderChoice | undefined,
      intraOpThreads: positive(threads),
    });
    const loaded = { id, dir, model, stream: adaptModel(model) };
    ctx.emit({ kind: 'progress', message: `model ${id} loaded`, percentage: 100 });
    ctx.notify({
      kind: 'engineState',
      payload: { state: 'idle', model: id, loadMs: performance.now() - started },
    });
    return loaded;
  } catch (error) {
    ctx.notify({
      kind: 'engineState',
      payload: { state: 'error', model: id, error: (error as Error).message },
    });
    if (error instanceof ModelLoadError)
      throw new EngineError(VlmErrorCodes.ModelInvalid, error.message, { uri: error.dir });
    if (error instanceof EngineError) throw error;
    throw new EngineError(
      VlmErrorCodes.ModelLoadFailed,
      `cannot load model ${id}: ${(error as Error).message}`,
    );
  }
}

async function modelDir(id: string): Promise<string> {
  if (id.startsWith(REFERENCE_PREFIX)) {
    const preset = id.slice(REFERENCE_PREFIX.length);
    if (!isReferencePresetName(preset))
      throw new EngineError(
        VlmErrorCodes.ModelInvalid,
        `unknown reference model '${preset}'; choose one of ${REFERENCE_PRESETS.join(', ')}`,
      );
    return ensureReferenceModel(preset, cacheDir());
  }
  const dir = uriToPath(id);
  if (!dir)
    throw new EngineError(
      VlmErrorCodes.InvalidParams,
      `model '${id}' is not a reference id, file URI or absolute path`,
      { field: 'model' },
    );
  if (!existsSync(dir))
    throw new EngineError(VlmErrorCodes.ModelInvalid, `model folder does not exist: ${dir}`, {
      uri: dir,
    });
  return dir;
}

export function listModels(): ListModelsResult {
  const ids = [...REFERENCE_PRESETS.map((p) => `${REFERENCE_PREFIX}${p}`)];
  const selectedId = selectedModelId();
  const configured = engineSettings().modelPath || configuredModelDir();
  for (const id of [configured, selectedId]) if (id && !ids.includes(id)) ids.push(id);
  const models: ModelInfo[] = ids.map((id) => {
    const reference = id.startsWith(REFERENCE_PREFIX);
    const path = reference ? undefined : (uriToPath(id) ?? id);
    const exists = reference || (path !== undefined && existsSync(path));
    return {
      id,
      name: reference
        ? `Reference model (${id.slice(REFERENCE_PREFIX.length)}; answers are meaningless)`
        : path!,
      kind: reference ? 'reference' : 'folder',
      path,
      valid: exists,
      problems: exists ? undefined : [`folder does not exist: ${path}`],
      selected: id === selectedId,
    };
  });
  return { models, selected: selectedId };
}

export async function validateModel(path: string): Promise<ValidateModelResult> {
  const dir = path.startsWith(REFERENCE_PREFIX) ? await modelDir(path) : uriToPath(path);
  if (!dir)
    throw new EngineError(
      VlmErrorCodes.InvalidParams,
      `'${path}' is not a file URI or absolute path`,
      { field: 'path' },
    );
  const report = await validateModelFolder(dir);
  const summary: Record<string, string> = {};
  if (report.modelType) summary.modelType = report.modelType;
  report.found.forEach((line, i) => (summary[`found${i + 1}`] = line));
  return { path: dir, valid: report.ok, problems: report.problems, summary };
}

/** Loads `id` and makes it the selected model; streams opened before keep their model. */
export async function selectModel(id: string, ctx: CallContext): Promise<SelectModelResult> {
  const started = performance.now();
  const previous = explicitSelection;
  explicitSelection = id;
  try {
    const loaded = await currentModel(ctx);
    const info = listModels().models.find((m) => m.id === loaded.id)!;
    return { model: info, loadMs: Math.round(performance.now() - started) };
  } catch (error) {
    explicitSelection = previous;
    throw error;
  }
}
