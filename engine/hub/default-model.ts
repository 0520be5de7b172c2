// The default model on first use: found in the Hugging Face cache, or pulled once when
// nothing is installed and the Hub answers (as `ollama run` pulls what it lacks). Offline
// or unreachable, the caller goes on without it and says why.
import { formatBytes } from '../util/files';
import { findCachedModel, type CachedModel } from './cache-layout';
import { catalogEntry, DEFAULT_MODEL_REPO } from './catalog';
import { HubError } from './errors';
import { pullModel, type PullProgress } from './pull';
import { hubSettings } from './settings';
import {
  forgetUnreachable,
  recentlyUnreachable,
  rememberUnreachable,
  UNREACHABLE_REMEMBER_MS,
} from './unreachable-stamp';

/** The pulled default model's snapshot, when it is in the cache. */
export function installedDefaultModel(
  env: NodeJS.ProcessEnv = process.env,
): CachedModel | undefined {
  return findCachedModel(hubSettings(env).cacheDir, DEFAULT_MODEL_REPO, 'main', 'auto');
}

export type DefaultModelOutcome =
  | { dir: string; id: string; revision: string }
  | { dir: undefined; reason: string };

export async function pullDefaultModel(options: {
  offline?: boolean;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** One line saying what is pulled and how big, before the download starts. */
  log: (line: string) => void;
  onProgress?: (p: PullProgress) => void;
  onFile?: (f: { file: string; size: number; downloaded: boolean }) => void;
}): Promise<DefaultModelOutcome> {
  const settings = hubSettings(options.env);
  const id = DEFAULT_MODEL_REPO;
  const installed = installedDefaultModel(options.env);
  if (installed) return { dir: installed.dir, id, revision: installed.revision };
  if (options.offline || settings.offline)
    return {
      dir: undefined,
      reason: `no model is installed and offline mode is on (--offline or HF_HUB_OFFLINE), so ${id} was not pulled`,
    };
  const unreachableFor = recentlyUnreachable(settings.endpoint, options.env);
  if (unreachableFor !== undefined) {
    const minutes = Math.round(unreachableFor / 60_000);
    const when = minutes < 1 ? 'under a minute' : `${minutes} min`;
    return {
      dir: undefined,
      reason:
        `no model is installed and ${settings.endpoint} could not be reached ${when} ago, so ${id} was not pulled; ` +
        `the Hub is tried again ${UNREACHABLE_REMEMBER_MS / 60_000} minutes after that (vlm model pull ${id} tries now)`,
    };
  }
  const size = catalogEntry(id)?.sizes.q8;
  options.log(
    `No model is installed: pulling ${id} (q8${size ? `, about ${formatBytes(size)}` : ''}) ` +
      `from ${settings.endpoint} into ${settings.cacheDir}. --offline skips this.`,
  );
  try {
    const pulled = await pullModel({
      repo: id,
      dtype: 'auto',
      env: options.env,
      signal: options.signal,
      onProgress: options.onProgress,
      onFile: options.onFile,
    });
    forgetUnreachable(settings.endpoint, options.env);
    return { dir: pulled.dir, id, revision: pulled.revision };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    // pullModel reports an unreachable Hub as 'offline' (the model is not cached and the Hub did not answer).
    if (error instanceof HubError && (error.kind === 'unreachable' || error.kind === 'offline')) {
      rememberUnreachable(settings.endpoint, options.env);
      return {
        dir: undefined,
        reason:
          `could not pull ${id}: ${(error as Error).message}; ` +
          `the next ${UNREACHABLE_REMEMBER_MS / 60_000} minutes of asks will not try the Hub again (vlm model pull ${id} tries now)`,
      };
    }
    return { dir: undefined, reason: `could not pull ${id}: ${(error as Error).message}` };
  }
}
