// Totals per entry point and overall, the list of every case that was not a clear error,
// and the JSON report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CaseResult } from './judge';

export interface Totals {
  cases: number;
  clear: number;
  unclear: number;
  /** Damaged inputs that still decoded and were answered. */
  answered: number;
  hangs: number;
  crashes: number;
  /** Cases that left files behind. */
  leftovers: number;
  /** clear / (cases - answered), in percent. */
  clearPercent: number;
}

export function totals(results: CaseResult[]): Totals {
  const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
  const answered = count('answered');
  const clear = count('clear');
  const judged = results.length - answered;
  return {
    cases: results.length,
    clear,
    unclear: count('unclear'),
    answered,
    hangs: count('hang'),
    crashes: count('crash'),
    leftovers: results.filter((r) => r.leftovers.length > 0).length,
    clearPercent: judged === 0 ? 100 : Math.round((1000 * clear) / judged) / 10,
  };
}

const COLUMNS: (keyof Totals)[] = [
  'cases',
  'clear',
  'unclear',
  'answered',
  'hangs',
  'crashes',
  'leftovers',
  'clearPercent',
];

export function totalsTable(byEntry: Record<string, Totals>): string {
  const head = ['entry', ...COLUMNS.map((c) => (c === 'clearPercent' ? 'clear %' : c))];
  const rows = Object.entries(byEntry).map(([entry, t]) => [
    entry,
    ...COLUMNS.map((c) => String(t[c])),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padStart(widths[i])).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

/** One line per case that is not a clear error or a tolerated answer, with what was said. */
export function problemLines(results: CaseResult[]): string[] {
  return results.flatMap((r) => {
    const lines: string[] = [];
    if (r.outcome !== 'clear' && r.outcome !== 'answered')
      lines.push(`${r.outcome.toUpperCase()} [${r.entry}] ${r.id} (${r.input}): ${r.said}`);
    if (r.leftovers.length) lines.push(`LEFTOVER [${r.entry}] ${r.id}: ${r.leftovers.join(', ')}`);
    return lines;
  });
}

export function byEntry(results: CaseResult[]): Record<string, Totals> {
  const entries = [...new Set(results.map((r) => r.entry))];
  return {
    ...Object.fromEntries(entries.map((e) => [e, totals(results.filter((r) => r.entry === e))])),
    all: totals(results),
  };
}

export function writeReport(
  path: string,
  results: CaseResult[],
  extra: Record<string, unknown>,
): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({ totals: byEntry(results), ...extra, results }, null, 1));
}
