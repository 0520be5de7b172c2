// The cached reference model: <cacheDir>/models/reference-<preset>. Generated on first use,
// regenerated when its manifest names another generator version or seed. A lock folder
// (mkdir is atomic) makes two processes asking at once generate it only once.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultCacheDir } from '../../config';
import { generateReferenceModel } from './generator';
import { DEFAULT_SEED, GENERATOR_VERSION, readReferenceManifest } from './manifest';
import { anyReferencePreset, type ReferencePresetName } from './presets';

/** A lock older than this is taken to be left by a crashed process. */
const STALE_LOCK_MS = 30 * 60 * 1000;
const POLL_MS = 200;

export function referenceModelDir(
  preset: ReferencePresetName,
  cacheDir = defaultCacheDir(),
): string {
  return join(cacheDir, 'models', `reference-${preset}`);
}

/** Up to date: the manifest matches and every file it lists is there. */
function isCurrent(dir: string, preset: ReferencePresetName, seed: number): boolean {
  const manifest = readReferenceManifest(dir);
  return (
    manifest !== undefined &&
    manifest.preset === preset &&
    manifest.seed === seed &&
    manifest.generatorVersion === GENERATOR_VERSION &&
    manifest.files.every((file) => existsSync(join(dir, file)))
  );
}

/** Removes .tmp-/.old- folders left next to `dir` by generations whose process has died. */
function removeAbandonedTemporaries(dir: string): void {
  const prefixes = ['tmp', 'old'].map((kind) => `.${basename(dir)}.${kind}-`);
  for (const entry of readdirSync(dirname(dir))) {
    const prefix = prefixes.find((p) => entry.startsWith(p));
    if (!prefix) continue;
    const pid = Number(entry.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) {
      rmSync(join(dirname(dir), entry), { recursive: true, force: true });
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockIsStale(lock: string): boolean {
  try {
    const owner = Number(readFileSync(join(lock, 'owner'), 'utf8'));
    if (Number.isInteger(owner) && owner > 0 && !processAlive(owner)) return true;
    return Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS;
  } catch {
    // No owner file yet: the owner is between mkdir and writing it, unless it is old.
    try {
      return Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS;
    } catch {
      return false;
    }
  }
}

async function withLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockIsStale(lock)) rmSync(lock, { recursive: true, force: true });
      else await sleep(POLL_MS);
    }
  }
  try {
    writeFileSync(join(lock, 'owner'), String(process.pid));
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The folder of the reference model for `preset` in the cache, generating it when it is
 * missing or stale. Safe when several processes call it at once.
 */
export async function ensureReferenceModel(
  preset: ReferencePresetName,
  cacheDir = defaultCacheDir(),
  seed = DEFAULT_SEED,
): Promise<string> {
  anyReferencePreset(preset);
  const dir = referenceModelDir(preset, cacheDir);
  if (isCurrent(dir, preset, seed)) return dir;
  mkdirSync(join(cacheDir, 'models'), { recursive: true });
  return withLock(`${dir}.lock`, async () => {
    if (isCurrent(dir, preset, seed)) return dir;
    removeAbandonedTemporaries(dir);
    await generateReferenceModel({ preset, outDir: dir, seed });
    return dir;
  });
}
