// The default model on first use: found in the Hugging Face cache, or pulled once when
// nothing is installed and the Hub answers (as `ollama run` pulls what it lacks). Offline
// or unreachable, the caller goes on without it and says why.
import { formatBytes } from '../util/files';
import { findCachedModel, type CachedModel } from './cache-layout';
import { catalogEntry, DEFAULT_MODEL_REPO } from './catalog';
import { pullModel, type PullProgress } from './pull';
import { hubSettings } from './settings';

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
    return { dir: pulled.dir, id, revision: pulled.revision };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return { dir: undefined, reason: `could not pull ${id}: ${(error as Error).message}` };
  }
}
