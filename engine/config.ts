// Engine-wide settings that come from the environment. The editor passes the same
// values as settings; the CLI reads flags first, then these.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DTYPE_CHOICES, type DtypeChoice } from './model/folder';

export const EXECUTION_PROVIDERS = ['auto', 'cpu', 'cuda', 'webgpu'] as const;
export type ExecutionProviderChoice = (typeof EXECUTION_PROVIDERS)[number];

/** The cache directory: VLM_CACHE_DIR, else $XDG_CACHE_HOME/vlm-stream, else ~/.cache/vlm-stream. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VLM_CACHE_DIR) return env.VLM_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'vlm-stream');
}

/** The model folder the user configured (VLM_MODEL_DIR), or undefined for the built-in reference model. */
export function configuredModelDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.VLM_MODEL_DIR || undefined;
}

export function configuredProvider(env: NodeJS.ProcessEnv = process.env): ExecutionProviderChoice {
  const value = (env.VLM_PROVIDER ?? 'auto').toLowerCase();
  if ((EXECUTION_PROVIDERS as readonly string[]).includes(value))
    return value as ExecutionProviderChoice;
  throw new Error(
    `VLM_PROVIDER="${env.VLM_PROVIDER}" is not one of ${EXECUTION_PROVIDERS.join(', ')}`,
  );
}

/** The weight dtype to load (VLM_DTYPE), `auto` when unset: see engine/model/folder.ts autoDtype. */
export function configuredDtype(env: NodeJS.ProcessEnv = process.env): DtypeChoice {
  const value = (env.VLM_DTYPE || 'auto').toLowerCase();
  if ((DTYPE_CHOICES as readonly string[]).includes(value)) return value as DtypeChoice;
  throw new Error(`VLM_DTYPE="${env.VLM_DTYPE}" is not one of ${DTYPE_CHOICES.join(', ')}`);
}
