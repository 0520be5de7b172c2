// Snapshots of folders, to find what a case left behind: anything present after it that was
// not there before.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every path under each folder (not following links), with a trailing / for folders. */
export function snapshot(dirs: string[]): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(dir, name);
      let folder = false;
      try {
        folder = lstatSync(path).isDirectory();
      } catch {
        continue;
      }
      found.add(folder ? `${path}/` : path);
      if (folder) walk(path);
    }
  };
  for (const dir of dirs) walk(dir);
  return found;
}

/**
 * State the engine keeps on purpose, not debris: the note that the Hugging Face Hub could not
 * be reached (engine/hub/unreachable-stamp.ts), which spares the next asks the network wait.
 */
const KEPT = /\/hub\/(unreachable-[^/]+)?\/?$/;

/** Paths in `after` that `before` lacks, less the state the engine keeps on purpose. */
export function added(before: Set<string>, after: Set<string>): string[] {
  return [...after].filter((path) => !before.has(path) && !KEPT.test(path)).sort();
}
