// Smoke test of `vlm bench`: every scenario in a seconds-long configuration on the tiny
// reference model (real ffmpeg, real ONNX sessions, real child processes). It checks the
// report's structure and that every ratio is a finite number, never the speed itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runBench } from '../../engine/bench/run';
import type { BenchReport } from '../../engine/bench/scenario';
import { SCENARIOS } from '../../engine/bench/scenarios';
import { benchCommand } from '../../engine/cli/commands/bench';
import { UsageError } from '../../engine/cli/command';
import { ensureReferenceModel } from '../../engine/model/reference';
import { bundleIsFresh } from '../../bin/bundle-fresh';

const ROOT = join(__dirname, '..', '..');

describe('vlm bench (smoke configuration)', { timeout: 600_000 }, () => {
  let dir: string;
  let report: BenchReport;
  const lines: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vlm-bench-smoke-'));
    report = await runBench({
      scenarios: SCENARIOS,
      quick: true,
      smoke: true,
      modelDir: await ensureReferenceModel('tiny'),
      modelLabel: 'reference tiny',
      outFile: join(dir, 'out', 'report.json'),
      plotsDir: join(dir, 'plots'),
      log: (line) => lines.push(line),
      signal: new AbortController().signal,
    });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every scenario without an error', () => {
    assert.deepEqual(
      Object.keys(report.scenarios),
      SCENARIOS.map((s) => s.id),
    );
    for (const [id, s] of Object.entries(report.scenarios))
      assert.ok(
        !('error' in s),
        `${id} failed: ${'error' in s ? s.error : ''}\n${lines.join('\n')}`,
      );
  });

  it('gives every scenario figures and finite ratios', () => {
    for (const [id, s] of Object.entries(report.scenarios)) {
      if ('error' in s) continue;
      assert.equal(typeof s.figures, 'object', id);
      assert.ok(Object.keys(s.ratios).length > 0, `${id} has no ratios`);
      for (const [name, value] of Object.entries(s.ratios))
        assert.ok(
          typeof value === 'number' && Number.isFinite(value),
          `${id}: ratio '${name}' is ${value}`,
        );
    }
  });

  it('checks each product target with a value and a verdict', () => {
    const names = report.targets.map((t) => t.name).join('\n');
    for (const words of [
      'TTFT',
      're-encoding',
      'peak RSS',
      'frame gate',
      'overhead',
      'transformers.js',
    ])
      assert.match(names, new RegExp(words), `no target mentions ${words}`);
    for (const t of report.targets) {
      assert.equal(typeof t.met, 'boolean', t.name);
      assert.ok(t.value === null || Number.isFinite(t.value), `${t.name}: value ${t.value}`);
    }
  });

  it('measures every approach at every length, with peak RSS from child processes', () => {
    const latency = report.scenarios.latency;
    assert.ok(!('error' in latency));
    type Cell = { ttftMs: number; framesKept: number } | null;
    const lengths = latency.figures.lengths as Array<
      Record<string, Cell> & { screens: number; frames: number }
    >;
    assert.equal(lengths.length, 2);
    for (const row of lengths) {
      for (const approach of ['streaming', 'full', 'reencode'])
        assert.ok((row[approach]?.ttftMs ?? 0) > 0, `${approach} has no TTFT`);
      // The generated recording changes its text `screens` times: the gate keeps exactly
      // those frames, while re-encoding takes every frame at 1 fps.
      assert.equal(row.streaming?.framesKept, row.screens);
      assert.equal(row.reencode?.framesKept, row.frames);
    }
    const memory = report.scenarios.memory;
    assert.ok(!('error' in memory));
    const rows = memory.figures.lengths as Array<Record<string, { peakRssMiB: number } | null>>;
    for (const row of rows) assert.ok((row.streaming?.peakRssMiB ?? 0) > 10);
  });

  it('writes the JSON report and one SVG per chart', () => {
    const written = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8'));
    assert.deepEqual(Object.keys(written.scenarios), Object.keys(report.scenarios));
    const charts = Object.values(report.scenarios).flatMap((s) =>
      'error' in s ? [] : (s.charts ?? []),
    );
    assert.equal(charts.length, 6);
    for (const chart of charts) {
      const svg = readFileSync(join(dir, 'plots', chart.file), 'utf8');
      assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.doesNotMatch(svg, /NaN|Infinity/, `${chart.file} has non-finite coordinates`);
    }
  });

  it('writes the README block from the report', () => {
    const readme = join(dir, 'README.md');
    writeFileSync(
      readme,
      '# x\n\n## Benchmarks\n\n<!-- bench:start -->\nold\n<!-- bench:end -->\n\nend\n',
    );
    const run = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts', 'bench-readme.mjs'), join(dir, 'out', 'report.json'), readme],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    const text = readFileSync(readme, 'utf8');
    assert.doesNotMatch(text, /\nold\n/);
    assert.match(text, /\| target +\| scenario +\| this run +\| goal +\| met +\|/);
    assert.match(text, /\nend\n$/);
    assert.ok(existsSync(readme));
  });
});

describe('vlm bench command line', () => {
  const io = { out: () => {}, err: () => {}, signal: new AbortController().signal };

  it('names an unknown scenario and the known ones', async () => {
    await assert.rejects(benchCommand.run(['--only', 'latency,nope'], io), (error: Error) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /unknown scenario nope; known: latency, memory/);
      return true;
    });
  });

  it('rejects an unknown flag as a usage error', async () => {
    await assert.rejects(benchCommand.run(['--fast'], io), UsageError);
  });
});

// The bundled CLI (what `npm run bench` runs) keeps every module in dist/, so a fixture path
// built from a module's own folder pointed outside the checkout and these scenarios failed
// there while passing from the sources.
describe('vlm bench from the bundled CLI', () => {
  const bundled = join(ROOT, 'dist', 'cli.js');
  const stale = !existsSync(bundled)
    ? 'dist/cli.js is missing (npm run bundle)'
    : !bundleIsFresh(ROOT)
      ? 'dist/cli.js is older than engine/ (npm run bundle)'
      : false;

  it('finds the screenshots, labels and recordings', { skip: stale, timeout: 300_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlm-bench-bundled-'));
    try {
      const only = 'ocr-peer,controls,screen-session';
      const out = join(dir, 'report.json');
      const run = spawnSync(
        process.execPath,
        [bundled, 'bench', '--smoke', '--only', only, '--out', out],
        { encoding: 'utf8', cwd: dir },
      );
      const output = `${run.stdout}\n${run.stderr}`;
      assert.doesNotMatch(output, /FAILED/, output);
      assert.equal(run.status, 0, output);
      const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
      assert.deepEqual(Object.keys(report.scenarios), only.split(','));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
