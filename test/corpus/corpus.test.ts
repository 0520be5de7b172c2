// The bad-input corpus (scripts/corpus) through all four entry points: the `vlm` CLI, MCP
// over stdio, the language server over stdio and the OpenAI-compatible HTTP endpoint. Every
// case must end in one clear error (or, for damage that left a file decodable, an answer),
// within a time bound, without a crash or files left behind, and the server must still serve.
//
// Knobs: CORPUS_ENTRIES=cli,mcp,lsp,http (which to run), CORPUS_FILTER=REGEX (case ids),
// CORPUS_TIMEOUT_MS (per case, default 45000), CORPUS_PARALLEL (CLI processes, default 2).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateCorpus, VLM } from '../../scripts/corpus/generate';
import type { CorpusCase, Entry } from '../../scripts/corpus/types';
import type { RunContext } from './context';
import type { CaseResult } from './judge';
import { added, snapshot } from './leftovers';
import { byEntry, problemLines, totalsTable, writeReport } from './report';
import { runCliCases } from './run-cli';
import { runHttpCases } from './run-http';
import { runLspCases } from './run-lsp';
import { runMcpCases } from './run-mcp';

const REPORT = join(__dirname, '..', '..', 'test-artifacts', 'corpus.json');
const MIN_CASES = 300;
const MIN_CLEAR_PERCENT = 98;

const RUNNERS: Record<Entry, (ctx: RunContext, cases: CorpusCase[]) => Promise<CaseResult[]>> = {
  cli: runCliCases,
  mcp: runMcpCases,
  lsp: runLspCases,
  http: runHttpCases,
};

function selectCases(cases: CorpusCase[]): CorpusCase[] {
  const entries = (process.env.CORPUS_ENTRIES ?? 'cli,mcp,lsp,http').split(',');
  const filter = process.env.CORPUS_FILTER ? new RegExp(process.env.CORPUS_FILTER) : undefined;
  return cases.filter((c) => entries.includes(c.entry) && (!filter || filter.test(c.id)));
}

/** Generates the reference model into `cache` (as `vlm` does on first use) and returns its models/ folder. */
function referenceModels(cache: string): string {
  execFileSync(VLM[0], [...VLM.slice(1), 'model', 'generate', '--preset', 'tiny'], {
    env: { ...process.env, VLM_CACHE_DIR: cache },
    stdio: 'ignore',
  });
  return join(cache, 'models');
}

test(
  'bad-input corpus through the CLI, MCP, the language server and HTTP',
  { timeout: 20 * 60_000 },
  async () => {
    const run = mkdtempSync(join(tmpdir(), 'vlm-corpus-'));
    try {
      const { cases: all } = await generateCorpus(join(run, 'corpus'));
      const cases = selectCases(all);
      const ctx: RunContext = {
        root: join(run, 'corpus'),
        work: join(run, 'work'),
        modelsDir: referenceModels(join(run, 'cache')),
        vlm: VLM,
        caseTimeoutMs: Number(process.env.CORPUS_TIMEOUT_MS ?? 45_000),
        cliParallel: Number(process.env.CORPUS_PARALLEL ?? 2),
        goodPng: join(run, 'corpus', 'good', 'good.png'),
        progress: (r) => {
          if (process.env.CORPUS_VERBOSE) console.log(`${r.outcome.padEnd(8)} ${r.id} ${r.ms} ms`);
        },
      };
      mkdirSync(ctx.work, { recursive: true });
      const before = snapshot([ctx.root]);
      const started = Date.now();
      const entries = [...new Set(cases.map((c) => c.entry))];
      const perEntry = await Promise.all(
        entries.map((e) =>
          RUNNERS[e](
            ctx,
            cases.filter((c) => c.entry === e),
          ),
        ),
      );
      const results = perEntry.flat();
      const corpusLeftovers = added(before, snapshot([ctx.root]));
      const totals = byEntry(results);
      const seconds = Math.round((Date.now() - started) / 1000);
      console.log(
        `\nbad-input corpus: ${results.length} cases in ${seconds} s\n${totalsTable(totals)}`,
      );
      const problems = problemLines(results);
      if (corpusLeftovers.length)
        problems.push(`LEFTOVER in the corpus folder: ${corpusLeftovers.join(', ')}`);
      if (problems.length) console.log(`\n${problems.join('\n')}`);
      writeReport(REPORT, results, { seconds, corpusLeftovers });
      console.log(`\nreport: ${REPORT}`);

      if (!process.env.CORPUS_ENTRIES && !process.env.CORPUS_FILTER)
        assert.ok(
          results.length >= MIN_CASES,
          `the corpus has ${results.length} cases, fewer than ${MIN_CASES}`,
        );
      const t = totals.all;
      assert.equal(t.hangs, 0, `${t.hangs} case(s) hung (listed above)`);
      assert.equal(t.crashes, 0, `${t.crashes} case(s) crashed (listed above)`);
      assert.equal(
        t.leftovers + corpusLeftovers.length,
        0,
        'files were left behind (listed above)',
      );
      assert.ok(
        t.clearPercent >= MIN_CLEAR_PERCENT,
        `${t.clearPercent}% clear errors, below ${MIN_CLEAR_PERCENT}% (${t.unclear} unclear, listed above)`,
      );
    } finally {
      rmSync(run, { recursive: true, force: true });
    }
  },
);
