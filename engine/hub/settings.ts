// Where the Hugging Face Hub and its cache are, from the same environment variables
// Python's huggingface_hub reads, so a model either tool pulled is found by the other.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';
/** How long a request may wait for the Hub's response headers before the Hub counts as unreachable. */
export const CONNECT_TIMEOUT_MS = 3000;

export interface HubSettings {
  endpoint: string;
  token: string | undefined;
  offline: boolean;
  cacheDir: string;
}

/** HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub. */
export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HUGGINGFACE_HUB_CACHE) return env.HUGGINGFACE_HUB_CACHE;
  const home = env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface');
  return join(home, 'hub');
}

/** HF_HUB_OFFLINE as huggingface_hub reads a boolean variable: 1, true, yes or on. */
export function offlineFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['1', 'true', 'yes', 'on'].includes((env.HF_HUB_OFFLINE ?? '').trim().toLowerCase());
}

export function hubSettings(env: NodeJS.ProcessEnv = process.env): HubSettings {
  return {
    endpoint: (env.HF_ENDPOINT || DEFAULT_HUB_ENDPOINT).replace(/\/+$/, ''),
    token: env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN || undefined,
    offline: offlineFromEnv(env),
    cacheDir: hubCacheDir(env),
  };
}
