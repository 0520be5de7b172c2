// Timeline retrieval on small hand-built timelines: the rules that decide which moment a
// when-question gets, each in a case where the wrong rule gives a different moment.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuseTimelineEvidence } from '../../../engine/timeline/evidence';
import { questionIntent } from '../../../engine/timeline/intent';
import { screenLines } from '../../../engine/timeline/lines';
import { searchTimeline } from '../../../engine/timeline/search';
import type { TextTrack, Timeline, UiEvent } from '../../../engine/timeline/types';

let nextId = 0;
function track(text: string, startSec: number, endSec: number, x: number, y: number): TextTrack {
  const w = text.length * 8;
  return {
    id: nextId++,
    text,
    box: { x, y, w, h: 18 },
    startSec,
    startFrame: startSec,
    lastSeenSec: endSec - 1,
    endSec,
    frames: endSec - startSec,
  };
}

function timeline(tracks: TextTrack[], events: UiEvent[] = []): Timeline {
  return { durationSec: 30, frames: 30, tracks, typed: [], events, cuts: [] };
}

test('pieces OCR split one line into are joined when on screen together, in reading order', () => {
  const suggestion = track('git branch', 22, 23, 30, 361);
  const keys = track('[enter/ctrl+c]', 22, 23, 30 + 10 * 8 + 12, 361);
  const below = track('git branch', 22, 23, 30, 400);
  const later = track('[enter/ctrl+c]', 25, 26, 400, 120);
  const lines = screenLines([keys, suggestion, below, later]);
  assert.deepEqual(
    lines.map((l) => [l.text, l.startSec]),
    [['git branch [enter/ctrl+c]', 22]],
  );
});

test('a quoted phrase split over two OCR pieces finds the moment the line appeared', () => {
  const tl = timeline([
    track('git branch', 22, 23, 30, 361),
    track('[enter/ctrl+c]', 22, 23, 122, 361),
    track('git branch. [enter/ctrl+c]', 26, 28, 30, 99),
  ]);
  const [top] = searchTimeline(tl, "When does thefuck suggest 'git branch [enter/ctrl+c]'?");
  assert.equal(top?.timeSec, 22, top?.reason);
});

test('words inside quotes say what to look for, not what the question asks', () => {
  assert.equal(questionIntent("When is 'Press Enter to type' shown?").intents.has('typed'), false);
  assert.equal(questionIntent('When is the name typed?').intents.has('typed'), true);
});

test('a question that says nothing of appearing gives a UI event no edge over a line', () => {
  const page: UiEvent = {
    timeSec: 26,
    frameIndex: 26,
    action: 'appeared',
    type: 'page',
    confidence: 0.7,
    region: { x: 0, y: 0, w: 600, h: 400 },
    texts: ['deploy finished', 'other output'],
  };
  const tl = timeline([track('deploy finished', 20, 30, 10, 10)], [page]);
  const neutral = searchTimeline(tl, "When does the CLI report 'deploy finished'?");
  assert.deepEqual(
    neutral.map((h) => [h.timeSec, h.kind]),
    [
      [20, 'text'],
      [26, 'ui'],
    ],
  );
  // Asking about something appearing still favours the moment a region appeared.
  const appear = searchTimeline(tl, "When does a page with 'deploy finished' appear?");
  assert.equal(appear[0]?.kind, 'ui');
});

test('fused evidence of near-equal score puts the earlier moment first', () => {
  const blocks = [10, 20].map((t, i) => ({ blockId: i, frameIndex: t, timeSec: t }));
  const evidence = [
    { blockId: 0, frameIndex: 10, timeSec: 10, score: 0.5, scores: {} },
    { blockId: 1, frameIndex: 20, timeSec: 20, score: 0.52, scores: {} },
  ];
  const hit = (timeSec: number, score: number) => ({
    timeSec,
    frameIndex: timeSec,
    score,
    kind: 'text' as const,
    reason: `at ${timeSec}`,
  });
  const fromBlock = () => {
    throw new Error('every hit has evidence');
  };
  const tie = fuseTimelineEvidence(evidence, [hit(10, 1.1), hit(20, 1.1)], blocks, fromBlock);
  assert.deepEqual(
    tie.map((e) => e.timeSec),
    [10, 20],
  );
  const clear = fuseTimelineEvidence(evidence, [hit(10, 0.6), hit(20, 1.1)], blocks, fromBlock);
  assert.deepEqual(
    clear.map((e) => e.timeSec),
    [20, 10],
  );
});
