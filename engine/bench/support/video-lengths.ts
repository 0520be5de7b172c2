// Measures the three approaches (streaming tiers, full cache, re-encoding per question) on
// generated screen recordings of 1, 5, 15 and 60 minutes, one child process per approach
// and length. The latency and memory scenarios read the same measurements, so a run that
// includes both pays for them once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from '../scenario';
import { runTsChild } from './child';
import { MiB } from './figures';
import type { Approach, LengthProbeRequest, LengthProbeResult } from './length-probe';
import { generateScreenRecording } from './screen-video';

export const APPROACHES: Approach[] = ['streaming', 'full', 'reencode'];

export interface LengthsConfig {
  minutes: number[];
  changeEverySec: number;
  width: number;
  height: number;
  /** Kept frames encoded for real per streaming/full run (the rest replay their KV). */
  realEncodes: number;
  /** Frames re-encoded for real per question; beyond it the encoder time is extrapolated. */
  reencodeCap: number;
  questions: number;
  memoryBudget: number;
}

export function lengthsConfig(quick: boolean, smoke = false): LengthsConfig {
  if (smoke)
    return {
      minutes: [0.5, 1],
      changeEverySec: 15,
      width: 160,
      height: 90,
      realEncodes: Infinity,
      reencodeCap: 300,
      questions: 2,
      memoryBudget: 64 * MiB,
    };
  return quick
    ? {
        minutes: [1, 5, 15, 60],
        changeEverySec: 15,
        width: 320,
        height: 180,
        realEncodes: Infinity,
        reencodeCap: 300,
        questions: 9,
        memoryBudget: 64 * MiB,
      }
    : {
        minutes: [1, 5, 15, 60],
        changeEverySec: 10,
        width: 640,
        height: 360,
        realEncodes: 1,
        reencodeCap: 3,
        questions: 5,
        memoryBudget: 64 * MiB,
      };
}

export interface LengthRow {
  minutes: number;
  /** Frames at 1 fps. */
  frames: number;
  /** Distinct screens in the recording (text changes). */
  screens: number;
  results: Partial<Record<Approach, LengthProbeResult | { error: string }>>;
}

export interface LengthMeasurements {
  config: LengthsConfig;
  rows: LengthRow[];
}

const memo = new Map<string, Promise<LengthMeasurements>>();

/** The measurements for this model and mode, taken once per process. */
export function measureLengths(ctx: BenchContext): Promise<LengthMeasurements> {
  const key = `${ctx.modelDir}|${ctx.quick}|${ctx.smoke}`;
  let pending = memo.get(key);
  if (!pending) {
    pending = runMeasurements(ctx);
    memo.set(key, pending);
    pending.catch(() => memo.delete(key));
  }
  return pending;
}

async function runMeasurements(ctx: BenchContext): Promise<LengthMeasurements> {
  const config = lengthsConfig(ctx.quick, ctx.smoke);
  const videos = mkdtempSync(join(tmpdir(), 'vlm-bench-videos-'));
  const rows: LengthRow[] = [];
  let fullStopped: string | null = null;
  try {
    for (const minutes of config.minutes) {
      const video = join(videos, `screen-${minutes}min.mp4`);
      const screens = await generateScreenRecording(
        video,
        {
          minutes,
          changeEverySec: config.changeEverySec,
          width: config.width,
          height: config.height,
        },
        ctx.signal,
      );
      const row: LengthRow = { minutes, frames: Math.round(minutes * 60), screens, results: {} };
      for (const approach of APPROACHES) {
        if (approach === 'full' && fullStopped) {
          row.results.full = notFitting(fullStopped);
          continue;
        }
        const request: LengthProbeRequest = {
          approach,
          video,
          modelDir: ctx.modelDir,
          realEncodes: approach === 'reencode' ? config.reencodeCap : config.realEncodes,
          questions: config.questions,
          memoryBudget: config.memoryBudget,
        };
        row.results[approach] = await probeOne(request, ctx);
        const r = row.results[approach];
        if (approach === 'full' && r && 'fits' in r && !r.fits)
          fullStopped = `did not fit at ${minutes} min already`;
        ctx.log(describe(minutes, approach, r));
      }
      rows.push(row);
    }
  } finally {
    rmSync(videos, { recursive: true, force: true });
  }
  return { config, rows };
}

async function probeOne(
  request: LengthProbeRequest,
  ctx: BenchContext,
): Promise<LengthProbeResult | { error: string }> {
  try {
    const run = await runTsChild(
      'engine/bench/support/length-probe.ts',
      [JSON.stringify({ ...request, realEncodes: finite(request.realEncodes) })],
      { signal: ctx.signal },
    );
    return run.result as LengthProbeResult;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return { error: (error as Error).message };
  }
}

/** JSON has no Infinity. */
function finite(n: number): number {
  return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
}

function notFitting(why: string): LengthProbeResult {
  return {
    approach: 'full',
    ttftMs: null,
    measured: false,
    fits: false,
    limit: why,
    contextTokens: null,
    ingest: null,
    rssAfterLoadBytes: 0,
    peakRssBytes: 0,
    kvRamBytes: 0,
    kvDiskBytes: 0,
    retrievalFallback: null,
  };
}

function describe(
  minutes: number,
  approach: Approach,
  r: LengthProbeResult | { error: string } | undefined,
): string {
  const head = `${String(minutes).padStart(2)} min ${approach.padEnd(9)}`;
  if (!r) return `${head} n/a`;
  if ('error' in r) return `${head} FAILED ${r.error}`;
  if (!r.fits) return `${head} does not fit (${r.limit?.slice(0, 120)})`;
  return (
    `${head} ttft ${r.ttftMs?.toFixed(1)} ms${r.measured ? '' : ' (encoder part extrapolated)'}` +
    `  context ${r.contextTokens}  peak RSS ${(r.peakRssBytes / MiB).toFixed(0)} MiB` +
    `  KV RAM ${(r.kvRamBytes / MiB).toFixed(1)} MiB disk ${(r.kvDiskBytes / MiB).toFixed(1)} MiB`
  );
}

/** The result of an approach at a length, or null when it failed or did not fit. */
export function resultAt(
  m: LengthMeasurements,
  minutes: number,
  approach: Approach,
): LengthProbeResult | null {
  const r = m.rows.find((row) => row.minutes === minutes)?.results[approach];
  return r && !('error' in r) && r.fits ? r : null;
}
