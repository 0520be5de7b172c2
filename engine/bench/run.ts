// Runs benchmark scenarios one after another, collects their figures, ratios and
// target checks into one report, and writes the JSON and the SVG plots.
import { cpus, totalmem } from 'node:os';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import type { BenchReport, Scenario } from './scenario';

export interface RunOptions {
  scenarios: Scenario[];
  quick: boolean;
  /** Seconds-long scenario configurations (the smoke test). */
  smoke?: boolean;
  modelDir: string;
  modelLabel: string;
  outFile: string;
  plotsDir: string;
  log: (line: string) => void;
  signal: AbortSignal;
}

export async function runBench(options: RunOptions): Promise<BenchReport> {
  const report: BenchReport = {
    date: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'full',
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    model: options.modelLabel,
    scenarios: {},
    targets: [],
  };
  mkdirSync(options.plotsDir, { recursive: true });
  for (const scenario of options.scenarios) {
    if (options.signal.aborted) break;
    const workDir = mkdtempSync(join(tmpdir(), `vlm-bench-${scenario.id}-`));
    const started = performance.now();
    options.log(`== ${scenario.id}: ${scenario.title}`);
    try {
      const result = await scenario.run({
        quick: options.quick,
        smoke: options.smoke,
        modelDir: options.modelDir,
        workDir,
        log: (line) => options.log(`   ${line}`),
        signal: options.signal,
      });
      for (const chart of result.charts ?? [])
        writeFileSync(join(options.plotsDir, chart.file), chart.svg);
      const { charts, ...rest } = result;
      report.scenarios[scenario.id] = {
        title: scenario.title,
        ...rest,
        charts: charts?.map((c) => ({ file: c.file, svg: '' })),
        durationMs: Math.round(performance.now() - started),
      };
      for (const t of result.targets ?? []) report.targets.push({ ...t, scenario: scenario.id });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      options.log(`   FAILED: ${message}`);
      report.scenarios[scenario.id] = { title: scenario.title, error: message };
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }
  writeJsonAtomic(options.outFile, report);
  return report;
}

function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(value, null, 2) + '\n');
  renameSync(temp, file);
}

/** The targets as a plain-text table for the terminal. */
export function formatTargets(report: BenchReport): string {
  if (report.targets.length === 0) return 'no targets checked';
  return report.targets
    .map(
      (t) =>
        `${t.met ? 'MET ' : 'MISS'}  ${t.name}: ${t.value ?? 'n/a'} (target ${t.target})${t.note ? ` — ${t.note}` : ''}`,
    )
    .join('\n');
}
