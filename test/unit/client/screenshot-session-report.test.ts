// The language-model tool's report says what a screenshot session reused, or why it read
// everything; without a session it says nothing about sessions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshotReport } from '../../../client/screenshot/report';
import type { ScreenshotAnalysis } from '../../../protocol/protocol';

const base: ScreenshotAnalysis = {
  width: 800,
  height: 600,
  elements: [{ text: 'Save', box: { x: 1, y: 2, width: 30, height: 12 }, confidence: 0.9 }],
  matches: [],
  timings: { totalMs: 120 },
};
const report = { name: 'agent', changedShare: 0.05, reusedCrops: 12, readCrops: 3 };

test('an incremental screenshot reports its reused and read readings', () => {
  const md = screenshotReport('shot.png', {
    ...base,
    session: { ...report, screenshot: 4, mode: 'incremental' },
  });
  assert.match(md, /^Session agent, screenshot 4: reused 12 readings, read 3\.$/m);
});

test('a full read says why; no session, no line', () => {
  const full = screenshotReport('shot.png', {
    ...base,
    session: { ...report, screenshot: 1, mode: 'full', reason: 'new session' },
  });
  assert.match(full, /^Session agent, screenshot 1: read in full \(new session\)\.$/m);
  assert.doesNotMatch(screenshotReport('shot.png', base), /Session/);
});

test('an unchanged screenshot says so', () => {
  const md = screenshotReport('shot.png', {
    ...base,
    session: { ...report, screenshot: 2, mode: 'unchanged', reusedCrops: 0, readCrops: 0 },
  });
  assert.match(md, /^Session agent, screenshot 2: unchanged since the previous one\.$/m);
});
