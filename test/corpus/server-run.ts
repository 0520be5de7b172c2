// Runs cases through a long-lived server: one server for the run (a fresh one for cases that
// may break its input stream), a good request after each bad one to check it still serves,
// and a new server after one hangs or dies, so later cases still run.
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { CorpusCase } from '../../scripts/corpus/types';
import type { RunContext } from './context';
import type { CaseResult, Outcome } from './judge';
import { added, snapshot } from './leftovers';

export interface ServerHome {
  tmp: string;
  cache: string;
  env: NodeJS.ProcessEnv;
}

let homes = 0;

/** A fresh TMPDIR and cache folder (the reference model linked in) for one server process. */
export function serverHome(ctx: RunContext, name: string): ServerHome {
  const home = join(ctx.work, `${name}-${++homes}`);
  const tmp = join(home, 'tmp');
  const cache = join(home, 'cache');
  mkdirSync(tmp, { recursive: true });
  mkdirSync(cache, { recursive: true });
  symlinkSync(ctx.modelsDir, join(cache, 'models'));
  return { tmp, cache, env: { ...process.env, VLM_CACHE_DIR: cache, TMPDIR: tmp, NO_COLOR: '1' } };
}

export function spawnVlm(ctx: RunContext, args: string[], home: ServerHome) {
  return spawn(ctx.vlm[0], [...ctx.vlm.slice(1), ...args], {
    cwd: ctx.root,
    env: home.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export interface Sent {
  outcome: Outcome;
  said: string;
}

export interface ServerKind<S extends { home: ServerHome }> {
  start(): Promise<S>;
  /** Whether this case gets a server of its own (it may leave the stream unusable). */
  ownServer(c: CorpusCase): boolean;
  send(server: S, c: CorpusCase): Promise<Sent>;
  /** Resolves when the server answers a good request; rejects saying why not. */
  good(server: S): Promise<void>;
  alive(server: S): boolean;
  stop(server: S): Promise<void>;
}

async function runOne<S extends { home: ServerHome }>(
  kind: ServerKind<S>,
  server: S,
  c: CorpusCase,
): Promise<Sent> {
  const sent = await kind.send(server, c);
  if (sent.outcome === 'hang' || sent.outcome === 'crash') return sent;
  if (!kind.alive(server) && c.mayExit) return sent;
  try {
    await kind.good(server);
    return sent;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      outcome: kind.alive(server) ? 'hang' : 'crash',
      said: `${sent.said}; then stopped serving: ${why}`,
    };
  }
}

export async function runServerCases<S extends { home: ServerHome }>(
  ctx: RunContext,
  kind: ServerKind<S>,
  cases: CorpusCase[],
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  let shared: S | undefined;
  for (const c of cases) {
    const own = kind.ownServer(c);
    const server = own ? await kind.start() : (shared ??= await kind.start());
    const dirs = [server.home.tmp, server.home.cache];
    const before = snapshot(dirs);
    const started = Date.now();
    const { outcome, said } = await runOne(kind, server, c);
    const ms = Date.now() - started;
    // A decodable input may be cached like any good one: only errors must leave nothing.
    const leftovers = outcome === 'answered' ? [] : added(before, snapshot(dirs));
    const result = {
      id: c.id,
      entry: c.entry,
      group: c.group,
      input: c.input,
      outcome,
      said,
      ms,
      leftovers,
    };
    results.push(result);
    ctx.progress(result);
    if (own || outcome === 'hang' || !kind.alive(server)) {
      await kind.stop(server);
      if (!own) shared = undefined;
    }
  }
  if (shared) await kind.stop(shared);
  return results;
}
