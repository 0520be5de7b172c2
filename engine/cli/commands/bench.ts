// `vlm bench`: runs the benchmark scenarios side by side in one run and writes the JSON
// report and SVG plots (engine/bench).
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatTargets, runBench } from '../../bench/run';
import { SCENARIOS } from '../../bench/scenarios';
import { ensureReferenceModel } from '../../model/reference';
import { ExitCode, UsageError, type Command } from '../command';

const USAGE = `Usage: vlm bench [--quick | --smoke] [--out FILE] [--plots DIR] [--only ID,ID] [--model DIR]

Runs the benchmark suite; every headline figure is a ratio against a baseline measured
in the same run. Scenarios: ${SCENARIOS.map((s) => s.id).join(', ')}.

  --quick        tiny reference model, short configuration (minutes on 2 cores)
  --smoke        seconds-long configuration of each scenario, as the test suite runs
                 it: checks that the set-up works; its figures mean nothing
  --out FILE     JSON report (default bench-results/report.json)
  --plots DIR    SVG plots (default: the report's folder)
  --only IDS     comma-separated scenario ids
  --model DIR    model folder (default: reference model, tiny with --quick,
                 smolvlm-256m-shape otherwise, generated into the cache directory)

Update the table in docs/benchmarks.md from a report: node scripts/bench-readme.mjs FILE`;

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Run the benchmark suite and write a JSON report with SVG plots',
  usage: USAGE,
  async run(args, io) {
    let values: Record<string, string | boolean | undefined>;
    try {
      values = parseArgs({
        args,
        strict: true,
        options: {
          quick: { type: 'boolean' },
          smoke: { type: 'boolean' },
          out: { type: 'string' },
          plots: { type: 'string' },
          only: { type: 'string' },
          model: { type: 'string' },
        },
      }).values;
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const smoke = values.smoke === true;
    const quick = smoke || values.quick === true;
    const scenarios = pickScenarios(values.only as string | undefined);
    const outFile = resolve(String(values.out ?? 'bench-results/report.json'));
    const plotsDir = resolve(String(values.plots ?? dirname(outFile)));
    const preset = quick ? 'tiny' : 'smolvlm-256m-shape';
    const modelDir = values.model
      ? resolve(String(values.model))
      : await ensureReferenceModel(preset);
    const started = performance.now();
    const report = await runBench({
      scenarios,
      quick,
      smoke,
      modelDir,
      modelLabel: values.model ? modelDir : `reference ${preset}`,
      outFile,
      plotsDir,
      log: io.out,
      signal: io.signal,
    });
    io.out(formatTargets(report));
    io.out(
      `wrote ${outFile} and plots in ${plotsDir} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
    if (io.signal.aborted) return ExitCode.interrupted;
    const failed = Object.entries(report.scenarios).filter(([, s]) => 'error' in s);
    if (failed.length) io.err(`failed scenarios: ${failed.map(([id]) => id).join(', ')}`);
    return failed.length ? ExitCode.failed : ExitCode.ok;
  },
};

function pickScenarios(only: string | undefined) {
  if (!only) return SCENARIOS;
  const ids = only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = ids.filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length)
    throw new UsageError(
      `--only: unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`,
    );
  return SCENARIOS.filter((s) => ids.includes(s.id));
}
