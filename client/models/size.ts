// Folder size for the installed-models list.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Total bytes of the files under dir; 0 when it cannot be read. */
export function directorySize(dir: string): number {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let total = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += directorySize(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}
