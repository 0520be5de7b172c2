// The soak: the real language server (stdio) and the real HTTP endpoint, each its own
// process, under mixed load from several clients for a set time; then what came back and
// what the processes hold. Shared by test/soak (which asserts on the report) and the
// `soak` scenario of `vlm bench` (which writes it into the JSON report).
//   warm-up load -> settle -> baseline samples -> load for `seconds` -> drain -> settle ->
//   final samples; RSS and fds from /proc, the saved-stream folders' size against the budget.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { directorySize } from '../../util/files';
import { startHttpLoad } from './http-load';
import { Ledger } from './ledger';
import { startLspLoad } from './lsp-load';
import { sampleProcess, settledSample, type ProcessSample } from './probe';

export interface SoakOptions {
  /** Length of the measured load phase. */
  seconds: number;
  /** Folder of real media fixtures (videos, a GIF, a screenshot). */
  fixturesDir: string;
  /** Scratch folder: both servers' cache directories go here. */
  workDir: string;
  lspClients?: number;
  httpClients?: number;
  /** Rounds each client does before the baseline; default: enough to visit every fixture. */
  warmupRounds?: number;
  /** The language server's saved-stream budget (vlm.cache.diskBudgetMB). */
  diskBudgetMB?: number;
  /** A model folder; default: the tiny reference model. */
  model?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface ProcessFigures {
  pid: number;
  baseline: ProcessSample;
  peakRssBytes: number;
  final: ProcessSample;
  /** final / baseline resident memory. */
  rssRatio: number;
  fdDelta: number;
}

export interface SoakReport {
  seconds: number;
  warmupSeconds: number;
  clients: { lsp: number; http: number };
  requests: number;
  /** Requests that never got a response (keys and kinds). */
  lost: string[];
  duplicates: number;
  strays: number;
  /** Bad requests answered otherwise than documented. */
  surprises: string[];
  byKind: Record<string, Record<string, number>>;
  lsp: ProcessFigures;
  http: ProcessFigures;
  disk: { budgetBytes: number; lspStreamsBytes: number; httpStreamsBytes: number };
}

const MEDIA = /\.(mp4|webm|gif|png|jpe?g)$/i;
/** How long the clients' last requests may take after the load time is up. */
const DRAIN_LIMIT_MS = 180_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {});
  const fixtures = readdirSync(options.fixturesDir)
    .filter((name) => MEDIA.test(name))
    .map((name) => join(options.fixturesDir, name));
  if (fixtures.length === 0) throw new Error(`no media fixtures in ${options.fixturesDir}`);
  const budgetMB = options.diskBudgetMB ?? 8;
  const lspCache = join(options.workDir, 'lsp-cache');
  const httpCache = join(options.workDir, 'http-cache');
  mkdirSync(lspCache, { recursive: true });
  mkdirSync(httpCache, { recursive: true });
  const ledger = new Ledger();
  const [lsp, http] = await Promise.all([
    startLspLoad(ledger, {
      cacheDir: lspCache,
      diskBudgetMB: budgetMB,
      model: options.model,
      env: options.env,
    }),
    startHttpLoad(ledger, options.fixturesDir, {
      cacheDir: httpCache,
      model: options.model,
      env: options.env,
    }),
  ]);
  const clients = { lsp: options.lspClients ?? 3, http: options.httpClients ?? 2 };
  try {
    /** Load for `seconds`, and until each client has done `minRounds` rounds. */
    const load = async (seconds: number, minRounds = 0) => {
      const end = Date.now() + seconds * 1000;
      let stopped = false;
      const until = () => {
        let rounds = 0;
        return () => !stopped && (rounds++ < minRounds || Date.now() < end);
      };
      const loops = Promise.all([
        ...Array.from({ length: clients.lsp }, (_, i) => lsp.client(i, fixtures, until())),
        ...Array.from({ length: clients.http }, (_, i) => http.client(i, fixtures, until())),
      ]);
      // A request whose response never comes would hold its loop forever: stop waiting
      // after a drain limit, and the ledger lists it as lost.
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise((resolve) => {
        timer = setTimeout(resolve, seconds * 1000 + DRAIN_LIMIT_MS);
      });
      await Promise.race([loops, limit]).finally(() => clearTimeout(timer));
      // Loops held up past the limit start no new round.
      stopped = true;
    };
    // The first rounds load the model, ffmpeg and onnxruntime's arenas, and encode each
    // fixture once (later opens reuse the saved stream): memory they take stays, and the
    // first encodes are slow, so the baseline and the timed load come after every client
    // has been round the fixtures once.
    const warmupSeconds = Math.min(60, Math.max(8, Math.round(options.seconds * 0.15)));
    const warmupRounds =
      options.warmupRounds ?? Math.ceil(fixtures.length / Math.min(clients.lsp, clients.http));
    log(`soak: warm-up ${warmupSeconds} s and ${warmupRounds} rounds per client`);
    const warmupStart = Date.now();
    await load(warmupSeconds, warmupRounds);
    const warmedUpSeconds = Math.round((Date.now() - warmupStart) / 1000);
    await sleep(3000);
    const base = await Promise.all([settledSample(lsp.child.pid!), settledSample(http.child.pid!)]);
    const peak = { lsp: base[0].rssBytes, http: base[1].rssBytes };
    const watch = setInterval(() => {
      peak.lsp = Math.max(peak.lsp, rssNow(lsp.child.pid!));
      peak.http = Math.max(peak.http, rssNow(http.child.pid!));
    }, 1000);
    log(`soak: load ${options.seconds} s, ${clients.lsp} LSP + ${clients.http} HTTP clients`);
    try {
      await load(options.seconds);
    } finally {
      clearInterval(watch);
    }
    await sleep(5000);
    const final = await Promise.all([
      settledSample(lsp.child.pid!),
      settledSample(http.child.pid!),
    ]);
    const figures = (i: 0 | 1, pid: number, peakRss: number): ProcessFigures => ({
      pid,
      baseline: { rssBytes: base[i].rssBytes, fds: base[i].fds },
      peakRssBytes: Math.max(peakRss, final[i].rssBytes),
      final: { rssBytes: final[i].rssBytes, fds: final[i].fds },
      rssRatio: final[i].rssBytes / base[i].rssBytes,
      fdDelta: final[i].fds - base[i].fds,
    });
    return {
      seconds: options.seconds,
      warmupSeconds: warmedUpSeconds,
      clients,
      requests: ledger.sentCount,
      lost: ledger.lost(),
      duplicates: ledger.duplicates,
      strays: ledger.strays,
      surprises: ledger.surprises,
      // A copy: stopping the servers below still sends (and counts) shutdown.
      byKind: structuredClone(ledger.counts),
      lsp: figures(0, lsp.child.pid!, peak.lsp),
      http: figures(1, http.child.pid!, peak.http),
      disk: {
        budgetBytes: budgetMB * 1024 * 1024,
        lspStreamsBytes: directorySize(join(lspCache, 'streams')),
        httpStreamsBytes: directorySize(join(httpCache, 'streams')),
      },
    };
  } catch (error) {
    log(`soak failed; language server stderr:\n${lsp.stderr()}\nHTTP stderr:\n${http.stderr()}`);
    throw error;
  } finally {
    await Promise.all([lsp.stop(), http.stop()]);
  }
}

/** Resident memory now, or 0 when the process is gone (its exit shows elsewhere). */
function rssNow(pid: number): number {
  try {
    return sampleProcess(pid).rssBytes;
  } catch {
    return 0;
  }
}
