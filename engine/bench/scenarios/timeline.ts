// Scenario: what the timeline costs next to the indexing it reuses. On real recordings,
// one pass decodes at the session's rate, gates, and reads each kept frame's text (the
// indexing work a stream with screen text does anyway, timed), and records the timeline's
// own per-frame work (change map, histogram) and its build beside it (timed apart).
// Target: indexing plus timeline at most 1.5x indexing alone.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFrames, FrameGate } from '../../ingest';
import { sharedOcrEngine } from '../../ocr/analyze';
import { RecognitionCache } from '../../ocr/recognition-cache';
import { TimelineRecorder } from '../../timeline';
import type { BenchContext, Scenario, ScenarioResult } from '../scenario';
import { repoRoot } from '../support/child';
import { ratio, round } from '../support/figures';

const CLIPS = ['lazygit-nuke-working-tree.mp4', 'terminal-thefuck-corrections.gif'];
const TARGET = 1.5;

interface Row {
  clip: string;
  framesDecoded: number;
  framesIndexed: number;
  indexingMs: number;
  timelineRecordMs: number;
  timelineBuildMs: number;
  events: number;
  tracks: number;
}

export const timelineScenario: Scenario = {
  id: 'timeline',
  title: 'Timeline cost next to the OCR and gate indexing it reuses',
  async run(ctx) {
    const rows: Row[] = [];
    for (const file of CLIPS) {
      const path = findFixture(file);
      if (path) rows.push(await measure(path, file, ctx));
      else ctx.log(`fixture ${file} not found; skipped`);
    }
    return summarize(rows);
  },
};

async function measure(path: string, clip: string, ctx: BenchContext): Promise<Row> {
  const engine = await sharedOcrEngine();
  const gate = new FrameGate();
  const crops = new RecognitionCache();
  const recorder = new TimelineRecorder();
  const maxFrames = ctx.smoke ? 3 : ctx.quick ? 8 : Infinity;
  const row: Row = {
    clip,
    framesDecoded: 0,
    framesIndexed: 0,
    indexingMs: 0,
    timelineRecordMs: 0,
    timelineBuildMs: 0,
    events: 0,
    tracks: 0,
  };
  for await (const frame of decodeFrames(path, { fps: 1, signal: ctx.signal })) {
    row.framesDecoded++;
    let started = performance.now();
    const keep = gate.push(frame).keep;
    const texts = keep ? (await engine.read(frame, ctx.signal, crops)).texts : undefined;
    row.indexingMs += performance.now() - started;
    if (!texts) continue;
    row.framesIndexed++;
    started = performance.now();
    recorder.add(frame, texts);
    row.timelineRecordMs += performance.now() - started;
    if (row.framesIndexed >= maxFrames) break;
  }
  const started = performance.now();
  const timeline = recorder.timeline();
  row.timelineBuildMs = performance.now() - started;
  row.events = timeline.events.length + timeline.typed.length + timeline.cuts.length;
  row.tracks = timeline.tracks.length;
  ctx.log(
    `${clip}: indexing ${round(row.indexingMs)} ms, timeline ${round(row.timelineRecordMs)} + ${round(row.timelineBuildMs)} ms`,
  );
  return row;
}

function summarize(rows: Row[]): ScenarioResult {
  const indexing = rows.reduce((s, r) => s + r.indexingMs, 0);
  const timeline = rows.reduce((s, r) => s + r.timelineRecordMs + r.timelineBuildMs, 0);
  const withTimeline = ratio(indexing + timeline, indexing);
  return {
    figures: {
      clips: rows.map((r) => ({
        ...r,
        indexingMs: round(r.indexingMs),
        timelineRecordMs: round(r.timelineRecordMs),
        timelineBuildMs: round(r.timelineBuildMs),
      })),
    },
    ratios: {
      indexingPlusTimelineOverIndexing: withTimeline,
      timelineOverIndexing: ratio(timeline, indexing),
    },
    targets: [
      {
        name: 'indexing + timeline vs indexing alone',
        target: `<= ${TARGET}x`,
        value: withTimeline,
        met: withTimeline !== null && withTimeline <= TARGET,
        note: rows.length ? undefined : 'no fixture found',
      },
    ],
    notes: [
      'Indexing: decode at 1 frame/s, frame gate, OCR of each kept frame (what a stream with screen text does).',
      'Timeline: change map and histogram per kept frame, then tracks, typing, UI events and cuts.',
    ],
  };
}

function findFixture(file: string): string | null {
  const candidates = [
    join(repoRoot(), 'test', 'fixtures', 'real', file),
    join(repoRoot(), '..', 'shared', 'fixtures', 'real', file),
  ];
  return candidates.find((p) => existsSync(p)) ?? null;
}
