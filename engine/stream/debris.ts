// What a process killed in the middle of writing leaves in the cache directory: a stream
// folder still being encoded or saved (`<key>.partial-<pid>-<rand>`), a spill folder
// (`spill/<pid>-<rand>`), and half-written block files (`*.tmp-<pid>-<rand>`, see
// atomicWrite). Each name carries the writer's pid; those of processes that are gone are
// removed when a stream opens, so a crash costs disk space only until the next run.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** A folder a stream is encoded and saved into before it is renamed to `dir`. */
export function workFolder(dir: string, random: string): string {
  return `${dir}.partial-${process.pid}-${random}`;
}

const PARTIAL = /\.partial-(\d+)-[^/\\]+$/;
const SPILL = /^(\d+)-[0-9a-f]+$/;
const TMP_FILE = /\.tmp-(\d+)-[^/\\]+$/;

/** Whether a process with this pid exists (one we may not signal exists too). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function deadWriter(name: string, pattern: RegExp): boolean {
  const pid = Number(pattern.exec(name)?.[1]);
  return Number.isInteger(pid) && pid > 0 && !alive(pid);
}

function entries(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** Removes the debris of dead processes under `cacheDir`; returns how many entries went. */
export function sweepDebris(cacheDir: string): number {
  let removed = 0;
  const remove = (path: string) => {
    rmSync(path, { recursive: true, force: true });
    removed++;
  };
  const streams = join(cacheDir, 'streams');
  for (const e of entries(streams)) {
    const path = join(streams, e.name);
    if (!e.isDirectory()) continue;
    if (deadWriter(e.name, PARTIAL)) remove(path);
    else
      for (const f of entries(path))
        if (f.isFile() && deadWriter(f.name, TMP_FILE)) remove(join(path, f.name));
  }
  const spill = join(cacheDir, 'spill');
  for (const e of entries(spill))
    if (e.isDirectory() && deadWriter(e.name, SPILL)) remove(join(spill, e.name));
  return removed;
}
