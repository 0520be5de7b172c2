// Small numeric helpers shared by the benchmark scenarios.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** a / b, or null when either is missing or the result is not a finite number. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  const r = a / b;
  return Number.isFinite(r) ? round(r) : null;
}

/** Rounds to 4 significant digits so the JSON stays readable. */
export function round(value: number): number {
  return Number.isFinite(value) ? +value.toPrecision(4) : value;
}

/** Total size of the files under a folder (0 when it does not exist). */
export function folderBytes(dir: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const path = join(dir, name);
    const s = statSync(path);
    total += s.isDirectory() ? folderBytes(path) : s.size;
  }
  return total;
}

export const MiB = 1024 ** 2;
