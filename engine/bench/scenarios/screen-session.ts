// Scenario: what the second screenshot of a session costs next to a fresh analysis of it.
// Pairs of frames are cut from the real recordings (support/screen-pairs.ts; two held
// out from tuning, one a whole new screen). For each pair and run: a fresh analysis of
// the second frame (the baseline, in the same run), then a new session given the first
// frame (untimed) and the second (timed). Process CPU time is the headline figure, since
// the machines are shared and wall time moves with the load; both are reported, with
// the load average. Each session result is also checked against the fresh one.
import { loadavg } from 'node:os';
import { sharedOcrEngine, analyzeScreenshot } from '../../ocr/analyze';
import type { ScreenAnalysis } from '../../ocr/types';
import { analyzeInSession, sameAnalysis, ScreenSessions } from '../../screen/session';
import type { BenchContext, Scenario, ScenarioResult } from '../scenario';
import { median, ratio, round } from '../support/figures';
import { loadPair, SCREEN_PAIRS, type ScreenPair } from '../support/screen-pairs';

const TARGET = 0.2;

interface Timed<T> {
  value: T;
  wallMs: number;
  cpuMs: number;
}

async function timed<T>(job: () => Promise<T>): Promise<Timed<T>> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await job();
  const used = process.cpuUsage(cpu);
  return { value, wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

const best = <T>(runs: Timed<T>[], key: 'wallMs' | 'cpuMs') => Math.min(...runs.map((r) => r[key]));

interface Row {
  pair: string;
  size: string;
  change: string;
  heldOut: boolean;
  large: boolean;
  elements: number;
  freshCpuMs: number;
  freshWallMs: number;
  freshDetectMs: number;
  freshRecognizeMs: number;
  sessionCpuMs: number;
  sessionWallMs: number;
  cpuRatio: number | null;
  wallRatio: number | null;
  mode: string;
  reason?: string;
  changedShare: number;
  reusedCrops: number;
  readCrops: number;
  equalsFresh: boolean;
}

async function measure(pair: ScreenPair, runs: number, ctx: BenchContext): Promise<Row> {
  const engine = await sharedOcrEngine();
  const [first, second] = await loadPair(pair);
  await analyzeScreenshot(second, { engine, signal: ctx.signal }); // warm the sessions
  const fresh: Timed<ScreenAnalysis>[] = [];
  const session: Timed<Awaited<ReturnType<typeof analyzeInSession>>>[] = [];
  for (let r = 0; r < runs; r++) {
    fresh.push(await timed(() => analyzeScreenshot(second, { engine, signal: ctx.signal })));
    const sessions = new ScreenSessions();
    await analyzeInSession(sessions, pair.id, first, { engine, signal: ctx.signal });
    session.push(
      await timed(() =>
        analyzeInSession(sessions, pair.id, second, { engine, signal: ctx.signal }),
      ),
    );
  }
  const last = session[session.length - 1].value;
  const row: Row = {
    pair: pair.id,
    size: `${second.width}x${second.height}`,
    change: pair.change,
    heldOut: pair.heldOut === true,
    large: pair.large === true,
    elements: last.elements.length,
    freshCpuMs: round(best(fresh, 'cpuMs')),
    freshWallMs: round(best(fresh, 'wallMs')),
    freshDetectMs: round(Math.min(...fresh.map((f) => f.value.timings.detectMs))),
    freshRecognizeMs: round(Math.min(...fresh.map((f) => f.value.timings.recognizeMs))),
    sessionCpuMs: round(best(session, 'cpuMs')),
    sessionWallMs: round(best(session, 'wallMs')),
    cpuRatio: ratio(best(session, 'cpuMs'), best(fresh, 'cpuMs')),
    wallRatio: ratio(best(session, 'wallMs'), best(fresh, 'wallMs')),
    mode: last.session.mode,
    reason: last.session.reason,
    changedShare: round(last.session.changedShare),
    reusedCrops: last.session.reusedCrops,
    readCrops: last.session.readCrops,
    equalsFresh: session.every((s) => sameAnalysis(s.value, fresh[0].value)),
  };
  ctx.log(
    `${row.pair}: fresh ${row.freshCpuMs} ms CPU, session ${row.sessionCpuMs} ms CPU (x${row.cpuRatio}), ` +
      `${row.mode}${row.reason ? ` (${row.reason})` : ''}, equals fresh: ${row.equalsFresh}`,
  );
  return row;
}

function summarize(rows: Row[], loadBefore: number[]): ScenarioResult {
  const small = rows.filter((r) => !r.large);
  const heldOut = small.filter((r) => r.heldOut);
  const medianOf = (list: Row[]) =>
    list.length ? round(median(list.map((r) => r.cpuRatio ?? Infinity))) : null;
  const smallMedian = medianOf(small);
  const heldOutMedian = medianOf(heldOut);
  const worst = small.length ? Math.max(...small.map((r) => r.cpuRatio ?? Infinity)) : null;
  const allEqual = rows.every((r) => r.equalsFresh);
  return {
    figures: { pairs: rows, loadAverage: { before: loadBefore, after: loadavg() } },
    ratios: Object.fromEntries(rows.map((r) => [`${r.pair}CpuRatio`, r.cpuRatio])),
    targets: [
      {
        name: 'session output equals a fresh analysis on every pair',
        target: 'all equal',
        value: rows.filter((r) => r.equalsFresh).length,
        met: allEqual && rows.length > 0,
      },
      {
        name: 'small change: session CPU vs fresh, median over the small-change pairs',
        target: `<= ${TARGET}x`,
        value: smallMedian,
        met: smallMedian !== null && smallMedian <= TARGET,
        note: `held-out median ${heldOutMedian}, worst pair ${worst === null ? null : round(worst)}`,
      },
    ],
    notes: [
      'CPU is process CPU time (all threads) of one analysis, best of the runs; wall time is reported beside it.',
      'Detection runs in full on every screenshot (its squeeze-excitation blocks pool over the whole image); only text crops are reused.',
      'Frames come from compressed recordings: codec noise changes pixels the screen did not, and those crops are read again.',
    ],
  };
}

export const screenSessionScenario: Scenario = {
  id: 'screen-session',
  title: 'Incremental screenshots: a session vs a fresh analysis on real frame pairs',
  async run(ctx) {
    const loadBefore = loadavg();
    const pairs = ctx.smoke
      ? SCREEN_PAIRS.filter((p) => p.id === 'thefuck-output' || p.large)
      : SCREEN_PAIRS;
    const runs = ctx.smoke ? 1 : ctx.quick ? 2 : 3;
    const rows: Row[] = [];
    for (const pair of pairs) rows.push(await measure(pair, runs, ctx));
    return summarize(rows, loadBefore);
  },
};
