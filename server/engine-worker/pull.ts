// Model downloads (worker side): the catalog the editor offers and the pull itself, both
// from engine/hub. The only module of the server that calls the hub: progress becomes
// work-done progress, cancellation the call's AbortSignal, failures one error code.
import { DEFAULT_MODEL_REPO, MODEL_CATALOG, pullModel } from '../../engine/hub';
import { isReferenceModelId } from '../../engine/session';
import type {
  ModelCatalogResult,
  PullModelParams,
  PullModelResult,
} from '../../protocol/models-pull';
import { VlmErrorCodes } from '../../protocol/protocol';
import { EngineError } from '../engine-host/engine-error';
import type { CallContext } from '../engine-host/types';
import { engineSession } from './config';

/** Progress is reported at most this often: a download reports every chunk. */
const PROGRESS_INTERVAL_MS = 250;

export function modelCatalog(): ModelCatalogResult {
  return {
    models: MODEL_CATALOG.map((m) => ({ ...m, sizes: { ...m.sizes } })),
    defaultRepo: DEFAULT_MODEL_REPO,
    modelInstalled: !isReferenceModelId(engineSession().selectedModel),
  };
}

/** HF_HUB_OFFLINE as the Hugging Face libraries read it: set and not 0/false/no/off. */
function offlineSetting(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.HF_HUB_OFFLINE?.trim();
  return value && !/^(0|false|no|off)$/i.test(value) ? value : undefined;
}

export async function pullCatalogModel(
  params: PullModelParams,
  ctx: CallContext,
): Promise<PullModelResult> {
  const offline = offlineSetting();
  if (offline !== undefined)
    throw new EngineError(
      VlmErrorCodes.ModelDownloadFailed,
      `cannot download ${params.repo}: this machine is offline (HF_HUB_OFFLINE=${offline}); ` +
        'unset HF_HUB_OFFLINE, or copy a model folder here and choose it with VLM: Select Model…',
      { uri: params.repo },
    );
  let last = 0;
  try {
    const result = await pullModel({
      repo: params.repo,
      revision: params.revision,
      dtype: params.dtype ?? 'auto',
      signal: ctx.signal,
      onWait: (holder) =>
        ctx.emit({
          kind: 'progress',
          message: `waiting for another download of ${params.repo} (process ${holder.pid}) to finish`,
        }),
      onProgress: (p) => {
        const now = performance.now();
        if (now - last < PROGRESS_INTERVAL_MS && p.bytes < p.totalBytes) return;
        last = now;
        ctx.emit({
          kind: 'progress',
          message: `${p.file} · ${mib(p.bytes)} of ${mib(p.totalBytes)}`,
          percentage: p.totalBytes > 0 ? (100 * p.bytes) / p.totalBytes : undefined,
        });
      },
    });
    return { ...result, files: [...result.files] };
  } catch (error) {
    if (ctx.signal.aborted)
      throw new EngineError(VlmErrorCodes.RequestCancelled, `download of ${params.repo} cancelled`);
    throw new EngineError(
      VlmErrorCodes.ModelDownloadFailed,
      `cannot download ${params.repo}: ${(error as Error).message}`,
      { uri: params.repo },
    );
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
