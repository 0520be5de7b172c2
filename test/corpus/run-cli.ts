// Runs the CLI cases: one `vlm` process per case, a few at a time, each with its own TMPDIR
// and cache folder (the generated reference model linked in) so leftovers are its own.
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { CorpusCase } from '../../scripts/corpus/types';
import { judgeError, printable, type CaseResult } from './judge';
import { added, snapshot } from './leftovers';
import type { RunContext } from './context';

/** The note `vlm ask` prints when the reference model answers; not part of any error. */
const REFERENCE_NOTE = /^Note: no model is configured.*$/gm;

/** The usage text a usage error ends with: its words are about options, not the input. */
const withoutUsage = (output: string) => output.split(/\n\s*Usage: /)[0];

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  timedOut: boolean;
}

function runVlm(ctx: RunContext, c: CorpusCase, env: NodeJS.ProcessEnv): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(ctx.vlm[0], [...ctx.vlm.slice(1), ...c.payload.argv!], {
      cwd: c.payload.cwd ?? ctx.root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, ctx.caseTimeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output: output.replace(REFERENCE_NOTE, '').trim(), timedOut });
    });
  });
}

async function runCase(ctx: RunContext, c: CorpusCase, index: number): Promise<CaseResult> {
  const home = join(ctx.work, 'cli', String(index));
  const tmp = join(home, 'tmp');
  const cache = join(home, 'cache');
  mkdirSync(tmp, { recursive: true });
  mkdirSync(cache, { recursive: true });
  symlinkSync(ctx.modelsDir, join(cache, 'models'));
  const before = snapshot([tmp, cache]);
  const started = Date.now();
  const exit = await runVlm(ctx, c, { VLM_CACHE_DIR: cache, TMPDIR: tmp, NO_COLOR: '1' });
  const ms = Date.now() - started;
  const leftovers = added(before, snapshot([tmp, cache]));
  const base = { id: c.id, entry: c.entry, group: c.group, input: c.input, ms, leftovers };
  if (exit.timedOut)
    return { ...base, outcome: 'hang', said: `no exit within ${ctx.caseTimeoutMs} ms` };
  if (exit.signal || (exit.code !== null && exit.code > 2))
    return {
      ...base,
      outcome: 'crash',
      said: `exit ${exit.signal ?? exit.code}: ${printable(exit.output)}`,
    };
  if (exit.code === 0)
    return c.mayAnswer
      ? { ...base, outcome: 'answered', said: 'answered (the damage left it decodable)' }
      : { ...base, outcome: 'unclear', said: `exit 0, no error: ${printable(exit.output, 200)}` };
  const error = withoutUsage(exit.output);
  return { ...base, outcome: judgeError(c, error), said: printable(error) };
}

/** Every CLI case, `ctx.cliParallel` at a time, in case order. */
export async function runCliCases(ctx: RunContext, cases: CorpusCase[]): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const index = next++;
      results[index] = await runCase(ctx, cases[index], index);
      ctx.progress(results[index]);
    }
  };
  await Promise.all(Array.from({ length: ctx.cliParallel }, worker));
  return results;
}
