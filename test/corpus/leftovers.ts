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

/** Paths in `after` that `before` lacks. */
export function added(before: Set<string>, after: Set<string>): string[] {
  return [...after].filter((path) => !before.has(path)).sort();
}
