// One pull of a repository at a time per cache: two `vlm model pull` of the same model
// would write the same blobs and `.incomplete` files at once. The lock is a file in the
// repository's cache folder, created exclusively and naming its holder; a later pull waits
// for it to go. It is removed when the pull ends or the process exits, and a lock whose
// holder is no longer running on this machine (killed) is taken over.
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import {
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  openSync,
  closeSync,
} from 'node:fs';
import { repoDir } from './cache-layout';

export const PULL_LOCK_FILE = '.vlm-pull.lock';
const POLL_MS = 200;

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

export interface PullLockOptions {
  signal?: AbortSignal;
  /** Called once when another process holds the lock and this one starts waiting. */
  onWait?: (holder: LockHolder, lockFile: string) => void;
  pollMs?: number;
}

export function pullLockPath(cacheDir: string, repo: string): string {
  return join(repoDir(cacheDir, repo), PULL_LOCK_FILE);
}

/** Waits until this process holds the repository's pull lock; returns its release. */
export async function acquirePullLock(
  cacheDir: string,
  repo: string,
  options: PullLockOptions = {},
): Promise<() => void> {
  const file = pullLockPath(cacheDir, repo);
  mkdirSync(dirname(file), { recursive: true });
  let waiting = false;
  for (;;) {
    if (tryCreate(file)) return holdUntilExit(file);
    const holder = readHolder(file);
    if (holder === undefined) continue; // removed between the two calls, or half-written
    if (!isRunning(holder)) {
      takeOverStale(file, holder);
      continue;
    }
    if (!waiting) {
      waiting = true;
      options.onWait?.(holder, file);
    }
    await sleep(options.pollMs ?? POLL_MS, options.signal);
  }
}

function tryCreate(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new Error(`cannot create the pull lock ${file}: ${(error as Error).message}`);
  }
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
  };
  try {
    writeFileSync(fd, JSON.stringify(holder));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The holder named in the lock file; undefined when it is gone or not yet written. */
function readHolder(file: string): LockHolder | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string')
      return { pid: parsed.pid, host: parsed.host, since: String(parsed.since ?? '') };
  } catch {
    // Created but not written yet: the holder is between openSync and writeFileSync.
  }
  return undefined;
}

/** A holder on another machine (a shared cache) is assumed alive: its pid means nothing here. */
function isRunning(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves a dead holder's lock aside. Another waiter may have taken it over and created a
 * fresh lock in between: a lock moved aside that is not the dead one is put back.
 */
function takeOverStale(file: string, dead: LockHolder): void {
  const aside = `${file}.${process.pid}.stale`;
  try {
    renameSync(file, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = readHolder(aside);
  if (moved && (moved.pid !== dead.pid || moved.host !== dead.host)) {
    try {
      linkSync(aside, file);
    } catch {
      // A third process holds a newer lock; the one moved aside still waits its turn.
    }
  }
  rmSync(aside, { force: true });
}

function holdUntilExit(file: string): () => void {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    rmSync(file, { force: true });
  };
  process.on('exit', release);
  return release;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
