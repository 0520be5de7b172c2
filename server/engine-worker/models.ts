// The model the engine answers with (worker side): which one is selected, loading it on
// first use with progress, validating folders, listing the choices. Names and loading are
// the engine session's; this maps them onto the protocol and its errors.
import { existsSync } from 'node:fs';
import { configuredModelDir } from '../../engine/config';
import { ModelLoadError, validateModelFolder } from '../../engine/model';
import {
  isReferenceModelId,
  ModelChoiceError,
  REFERENCE_MODEL_IDS,
  type LoadedModel,
} from '../../engine/session';
import {
  findCachedModel,
  formatModelRef,
  hubCacheDir,
  listPulledModels,
  parseModelRef,
} from '../../engine/hub';
import { isHubModelId, modelFolder } from '../../engine/session/models';
import {
  VlmErrorCodes,
  type ListModelsResult,
  type ModelInfo,
  type SelectModelResult,
  type ValidateModelResult,
} from '../../protocol/protocol';
import { uriToPath } from '../uri';
import { engineSession } from './config';
import { EngineError } from '../engine-host/engine-error';
import type { CallContext } from '../engine-host/types';

/** The selected model, loaded on first use; progress goes to the calling request. */
export async function currentModel(ctx: CallContext, id = engineSession().selectedModel) {
  return withProgress(id, ctx, () => engineSession().model(id));
}

async function withProgress(
  id: string,
  ctx: CallContext,
  load: () => Promise<LoadedModel>,
): Promise<LoadedModel> {
  const started = performance.now();
  ctx.notify({ kind: 'engineState', payload: { state: 'loadingModel', model: id } });
  ctx.emit({ kind: 'progress', message: `loading model ${id}`, percentage: 0 });
  try {
    const loaded = await load();
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
    throw modelError(error, id);
  }
}

function modelError(error: unknown, id: string): unknown {
  if (error instanceof ModelLoadError)
    return new EngineError(VlmErrorCodes.ModelInvalid, error.message, { uri: error.dir });
  if (error instanceof ModelChoiceError)
    return new EngineError(VlmErrorCodes.ModelInvalid, error.message, { uri: error.id });
  if (error instanceof EngineError) return error;
  return new EngineError(
    VlmErrorCodes.ModelLoadFailed,
    `cannot load model ${id}: ${(error as Error).message}`,
  );
}

/**
 * A model name from the protocol: a reference id, a Hub name (`org/name[@revision]`, kept
 * as is: the engine finds its snapshot in the Hugging Face cache), or a file URI / absolute path.
 */
export function modelName(id: string, field: string): string {
  if (isReferenceModelId(id) || isHubModelId(id)) return id;
  const dir = uriToPath(id);
  if (!dir)
    throw new EngineError(
      VlmErrorCodes.InvalidParams,
      `model '${id}' is not a reference id, a Hub name (org/name[@revision]), a file URI or an absolute path`,
      { field },
    );
  return dir;
}

/** The reference models, the models pulled into the Hugging Face cache, and the configured and selected ones. */
export function listModels(env: NodeJS.ProcessEnv = process.env): ListModelsResult {
  const ids = [...REFERENCE_MODEL_IDS, ...pulledModelIds(env)];
  const selectedId = engineSession().selectedModel;
  for (const id of [configuredModelDir(), selectedId]) if (id && !ids.includes(id)) ids.push(id);
  const models = ids.map((id) => ({ ...modelInfo(id, env), selected: id === selectedId }));
  return { models, selected: selectedId };
}

/** Each pulled repository under its Hub name: `org/name` when its main branch is pulled. */
function pulledModelIds(env: NodeJS.ProcessEnv): string[] {
  return listPulledModels(hubCacheDir(env)).map((model) => {
    const refs = model.snapshots.flatMap((s) => s.refs);
    const revision = refs.includes('main') ? 'main' : (refs[0] ?? model.snapshots[0].revision);
    return formatModelRef({ repo: model.repo, revision });
  });
}

function modelInfo(id: string, env: NodeJS.ProcessEnv): Omit<ModelInfo, 'selected'> {
  if (isReferenceModelId(id))
    return {
      id,
      name: `Reference model (${id.slice(id.indexOf(':') + 1)}; answers are meaningless)`,
      kind: 'reference',
      valid: true,
    };
  if (isHubModelId(id)) {
    const cacheDir = hubCacheDir(env);
    const { repo, revision } = parseModelRef(id);
    const cached = findCachedModel(cacheDir, repo, revision, 'auto');
    return {
      id,
      name: id,
      kind: 'hub',
      path: cached?.dir,
      valid: cached !== undefined,
      problems: cached
        ? undefined
        : [`not pulled into the Hugging Face cache (${cacheDir}): run vlm model pull ${id}`],
    };
  }
  const exists = existsSync(id);
  return {
    id,
    name: id,
    kind: 'folder',
    path: id,
    valid: exists,
    problems: exists ? undefined : [`folder does not exist: ${id}`],
  };
}

export async function validateModel(path: string): Promise<ValidateModelResult> {
  const name = modelName(path, 'path');
  let dir: string;
  try {
    dir = await modelFolder(name, engineSession().cacheDir ?? undefined);
  } catch (error) {
    if (!(error instanceof ModelChoiceError) || error.kind !== 'missing-folder')
      throw modelError(error, name);
    dir = name; // a missing folder is reported by the validation below
  }
  const report = await validateModelFolder(dir);
  const summary: Record<string, string> = {};
  if (report.modelType) summary.modelType = report.modelType;
  report.found.forEach((line, i) => (summary[`found${i + 1}`] = line));
  return { path: dir, valid: report.ok, problems: report.problems, summary };
}

/** Loads `id` and makes it the selected model; streams opened before keep their model. */
export async function selectModel(id: string, ctx: CallContext): Promise<SelectModelResult> {
  const started = performance.now();
  const name = modelName(id, 'model');
  const loaded = await withProgress(name, ctx, () => engineSession().selectModel(name));
  const info = listModels().models.find((m) => m.id === loaded.id)!;
  return { model: info, loadMs: Math.round(performance.now() - started) };
}
