// Remembers, for a while, that the Hub could not be reached, so an offline user's every
// `vlm ask` does not wait on the network again: a small stamp file per Hub endpoint in the
// engine cache folder, whose modification time is when the Hub was last found unreachable.
import { createHash } from 'node:crypto';
import { mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheDir } from '../config';

/** How long an unreachable Hub is not tried again by the first-ask pull. */
export const UNREACHABLE_REMEMBER_MS = 10 * 60 * 1000;

function stampPath(endpoint: string, env: NodeJS.ProcessEnv): string {
  const key = createHash('sha256').update(endpoint).digest('hex').slice(0, 16);
  return join(defaultCacheDir(env), 'hub', `unreachable-${key}`);
}

/** Notes that `endpoint` did not answer just now. Best effort: a cache folder that cannot be written is ignored. */
export function rememberUnreachable(endpoint: string, env: NodeJS.ProcessEnv = process.env): void {
  const path = stampPath(endpoint, env);
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, `${endpoint}\n`);
  } catch {
    // no stamp: the next ask tries the Hub again
  }
}

/** Forgets a stamp (the Hub answered). */
export function forgetUnreachable(endpoint: string, env: NodeJS.ProcessEnv = process.env): void {
  try {
    unlinkSync(stampPath(endpoint, env));
  } catch {
    // none was there
  }
}

/** Milliseconds since `endpoint` was found unreachable, when that was under 10 minutes ago. */
export function recentlyUnreachable(
  endpoint: string,
  env: NodeJS.ProcessEnv = process.env,
  now = Date.now(),
): number | undefined {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(stampPath(endpoint, env)).mtimeMs;
  } catch {
    return undefined;
  }
  const age = now - mtimeMs;
  return age >= 0 && age < UNREACHABLE_REMEMBER_MS ? age : undefined;
}
