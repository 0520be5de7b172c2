// Scenario: screen text against the off-the-shelf @gutenye/ocr-node (same PaddleOCR models,
// its default settings), side by side in one run on the real screenshots: verified strings
// each reads (tuning and held-out sets apart) and the time each takes per 1280x720 worth of
// pixels. Targets: recall at least the peer's plus 2 points, no screenshot behind the peer,
// time at most half the peer's. Where the peer is not installed (it is a dev dependency)
// the scenario says so in one line and measures nothing.
import { loadavg } from 'node:os';
import { sharedOcrEngine } from '../../ocr/analyze';
import { realScreenshots, type CorpusScreenshot } from '../ocr-corpus';
import { compareOne, describeRow, loadPeer, PEER_PACKAGE, totals } from '../ocr-peer';
import type { BenchContext, Scenario, ScenarioResult } from '../scenario';
import { ratio, round } from '../support/figures';

const TIME_TARGET = 0.5;
const RECALL_MARGIN = 0.02;

export const ocrPeerScenario: Scenario = {
  id: 'ocr-peer',
  title: `Screen text against ${PEER_PACKAGE}: verified strings read and time per screenshot`,
  async run(ctx) {
    const peer = await loadPeer();
    if ('reason' in peer) {
      ctx.log(peer.reason);
      return { figures: { skipped: peer.reason }, ratios: {}, notes: [peer.reason] };
    }
    const shots = pick(realScreenshots().screenshots, ctx);
    if (!shots.length) {
      const note = 'no real screenshots found under test/fixtures';
      ctx.log(note);
      return { figures: { skipped: note }, ratios: {}, notes: [note] };
    }
    const engine = await sharedOcrEngine();
    const rows = [];
    for (const shot of shots) {
      ctx.signal.throwIfAborted();
      const row = await compareOne(shot, engine, peer.read);
      for (const line of describeRow(row)) ctx.log(line);
      rows.push(row);
    }
    return summarize(rows);
  },
};

/** Smoke: the smallest screenshot; quick: two of each set; full: all of them. */
function pick(all: CorpusScreenshot[], ctx: BenchContext): CorpusScreenshot[] {
  const bySize = [...all].sort((a, b) => a.width * a.height - b.width * b.height);
  if (ctx.smoke) return bySize.slice(0, 1);
  if (!ctx.quick) return all;
  return (['tuning', 'held-out'] as const).flatMap((set) =>
    bySize.filter((s) => s.set === set).slice(0, 2),
  );
}

function summarize(rows: Awaited<ReturnType<typeof compareOne>>[]): ScenarioResult {
  const all = totals(rows);
  const sets = {
    tuning: totals(rows.filter((r) => r.set === 'tuning')),
    heldOut: totals(rows.filter((r) => r.set === 'held-out')),
    all,
  };
  const timeRatio = ratio(all.oursMsPer720p, all.peerMsPer720p);
  const behind = rows.filter((r) => r.ours.read < r.peer.read).map((r) => r.file);
  return {
    figures: {
      loadAverage: loadavg().map((l) => round(l)),
      sets: Object.fromEntries(
        Object.entries(sets).map(([name, s]) => [
          name,
          {
            ...s,
            oursRecall: round(s.oursRecall),
            peerRecall: round(s.peerRecall),
            oursMsPer720p: round(s.oursMsPer720p),
            peerMsPer720p: round(s.peerMsPer720p),
          },
        ]),
      ),
      screenshots: rows.map((r) => ({
        ...r,
        ours: { read: r.ours.read, ms: round(r.ours.ms) },
        peer: { read: r.peer.read, ms: round(r.peer.ms) },
      })),
    },
    ratios: {
      timeOursOverPeer: timeRatio ?? 0,
      recallOursOverPeer: ratio(all.oursRecall, all.peerRecall) ?? 0,
    },
    targets: [
      {
        name: 'time per 1280x720 screenshot against the peer',
        target: `<= ${TIME_TARGET}x`,
        value: timeRatio,
        met: timeRatio !== null && timeRatio <= TIME_TARGET,
      },
      {
        name: 'recall of verified strings minus the peer',
        target: `>= +${RECALL_MARGIN}`,
        value: round(all.oursRecall - all.peerRecall),
        met: all.oursRecall >= all.peerRecall + RECALL_MARGIN,
      },
      {
        name: 'screenshots where the peer reads more verified strings',
        target: '0',
        value: behind.length,
        met: behind.length === 0,
        ...(behind.length ? { note: behind.join(', ') } : {}),
      },
    ],
  };
}
