// Where the extension keeps downloaded models and extracted frames. Mirrors the engine's
// defaultCacheDir() (the client may not import engine/): VLM_CACHE_DIR, XDG_CACHE_HOME, ~/.cache.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { VlmSettings } from './validate';

export function cacheDir(settings: VlmSettings, env: NodeJS.ProcessEnv = process.env): string {
  if (settings.cacheDir) return settings.cacheDir;
  if (env.VLM_CACHE_DIR) return env.VLM_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'vlm-stream');
}

export function modelsDir(settings: VlmSettings, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(settings, env), 'models');
}

export function framesDir(settings: VlmSettings, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(settings, env), 'frames');
}
