// The video view's and the screenshot view's pure parts (marker places, the stepper's frame
// for a time, box overlay geometry), and the frame stepper's extraction with the real
// ffmpeg on a real GIF fixture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnswerHistory } from '../../../client/answers/history';
import {
  answersAbout,
  frameIndexAt,
  frameTime,
  parseFfmpegDuration,
  placeEvents,
  placeMarkers,
  playsInWebview,
  stepperFps,
} from '../../../client/video-view/timeline';
import { extractStepperFrames } from '../../../client/video-view/frames';
import { analysisText, boxPercent, overlayBoxes } from '../../../client/screenshot-view/geometry';
import { findFfmpeg } from '../../../client/frames/ffmpeg';
import { screenshotReport } from '../../../client/screenshot/report';
import type { ScreenshotAnalysis } from '../../../protocol/protocol';

test('markers sit at their share of the duration, in time order, one per distinct time', () => {
  const markers = placeMarkers(
    [
      { askId: 'a2', question: 'second', evidence: [{ timeSec: 8 }, { timeSec: 2.41 }] },
      { askId: 'a1', question: 'first', evidence: [{ timeSec: 2.4, text: 'Nuke working tree' }] },
    ],
    10,
  );
  assert.deepEqual(
    markers.map((m) => [m.timeSec, m.leftPct, m.askId]),
    [
      [2.41, 24.1, 'a2'], // 2.4 from a1 falls on the same place and is dropped
      [8, 80, 'a2'],
    ],
  );
  const withText = placeMarkers(
    [{ askId: 'a1', question: 'q', evidence: [{ timeSec: 1, text: 'Hello' }] }],
    4,
  );
  assert.equal(withText[0]!.label, 'q: Hello');
});

test("the stream's moments sit at their share of the duration, with what happened as the tooltip", () => {
  const marks = placeEvents(
    [
      { timeSec: 12, kind: 'cut', label: 'a cut' },
      { timeSec: 3.6, kind: 'ui', label: 'a notification appeared', text: 'Hello World!' },
      { timeSec: 3.62, kind: 'ui', label: 'a popup appeared' },
      { timeSec: 3.62, kind: 'typed', label: 'typed until 0:05', text: 'git status' },
      { timeSec: -1, kind: 'ui', label: 'a page appeared' },
    ],
    10,
  );
  assert.deepEqual(
    marks.map((m) => [m.timeSec, m.leftPct, m.kind]),
    [
      [0, 0, 'ui'], // before the start: clamped
      [3.6, 36, 'ui'], // the popup 0.02 s later is the same place and kind: dropped
      [3.62, 36.2, 'typed'],
      [10, 100, 'cut'], // after the end: clamped
    ],
  );
  assert.equal(marks[1]!.label, '0:03.6 a notification appeared: Hello World!');
  assert.deepEqual(placeEvents([{ timeSec: 1, kind: 'cut', label: 'a cut' }], NaN), []);
});

test('the markers come from the finished answers about the file, from every stream that read it', () => {
  const history = new AnswerHistory();
  const finished: string[] = [];
  const unsubscribe = history.onFinished((e) => finished.push(e.id));
  history.addStream({ key: 's1', label: 'a.mp4', mediaPath: '/v/a.mp4' });
  history.addStream({ key: 's2', label: 'a.mp4', mediaPath: '/v/a.mp4' });
  history.addStream({ key: 's3', label: 'b.mp4', mediaPath: '/v/b.mp4' });
  const result = (t: number) => ({
    answer: 'x',
    evidence: [{ timeSec: t }],
    timings: { totalMs: 1, tokens: 1 },
  });
  history.start('a1', 's1', 'q1');
  history.finish('a1', result(3) as never);
  history.start('a2', 's2', 'q2');
  history.finish('a2', result(5) as never);
  history.start('b1', 's3', 'q3');
  history.finish('b1', result(7) as never);
  history.start('a3', 's1', 'still streaming');
  unsubscribe();
  history.start('a4', 's1', 'q4');
  history.finish('a4', result(1) as never);
  assert.deepEqual(finished, ['a1', 'a2', 'b1'], 'listeners hear each finish until unsubscribed');
  assert.deepEqual(
    answersAbout(history, '/v/a.mp4')
      .map((a) => `${a.askId}@${a.evidence[0]!.timeSec}`)
      .sort(),
    ['a1@3', 'a2@5', 'a4@1'],
  );
});

test('markers are clamped to the video, and an unknown duration places none', () => {
  const answers = [{ askId: 'a', question: 'q', evidence: [{ timeSec: -1 }, { timeSec: 99 }] }];
  assert.deepEqual(
    placeMarkers(answers, 10).map((m) => m.leftPct),
    [0, 100],
  );
  assert.deepEqual(placeMarkers(answers, 0), []);
  assert.deepEqual(placeMarkers(answers, Number.NaN), []);
  assert.deepEqual(
    placeMarkers([{ askId: 'a', question: 'q', evidence: [{ timeSec: Number.NaN }] }], 10),
    [],
  );
});

test('the stepper shows the frame nearest a time, within the extracted frames', () => {
  assert.equal(frameIndexAt(0, 4, 40), 0);
  assert.equal(frameIndexAt(2.4, 4, 40), 10);
  assert.equal(frameIndexAt(2.6, 4, 40), 10);
  assert.equal(frameIndexAt(2.63, 4, 40), 11);
  assert.equal(frameIndexAt(60, 4, 40), 39, 'past the end: the last frame');
  assert.equal(frameIndexAt(-3, 4, 40), 0);
  assert.equal(frameIndexAt(5, 4, 0), 0);
  assert.equal(frameTime(10, 4), 2.5);
  assert.equal(stepperFps(10), 4, 'a short video at the full rate');
  assert.equal(stepperFps(120, 240), 2, 'a long one within the frame cap');
  assert.equal(stepperFps(0), 4);
});

test('formats the webview cannot play are decided by extension', () => {
  for (const f of ['a.mp4', 'B.WEBM', '/x/y.mov', 'c:\\v\\d.m4v']) assert.ok(playsInWebview(f), f);
  for (const f of ['a.mkv', 'b.avi', 'c.gif', 'd.flv', 'mp4', '.mp4', 'dir.mp4/clip'])
    assert.ok(!playsInWebview(f), f);
});

test("ffmpeg's duration line is parsed; none gives undefined", () => {
  assert.equal(parseFfmpegDuration('  Duration: 00:01:02.50, start: 0.000000'), 62.5);
  assert.equal(parseFfmpegDuration('Duration: 01:00:00.00,'), 3600);
  assert.equal(parseFfmpegDuration('Duration: N/A, bitrate: N/A'), undefined);
  assert.equal(
    parseFfmpegDuration('Duration: N/A\nframe=1 time=00:00:03.00\rframe=9 time=00:00:31.14 '),
    31.14,
  );
});

test('boxes become percentages of the image, clipped to it', () => {
  assert.deepEqual(boxPercent({ x: 100, y: 50, width: 200, height: 25 }, 1000, 500), {
    left: 10,
    top: 10,
    width: 20,
    height: 5,
  });
  assert.deepEqual(boxPercent({ x: 900, y: -10, width: 200, height: 20 }, 1000, 500), {
    left: 90,
    top: 0,
    width: 10,
    height: 2,
  });
  assert.throws(() => boxPercent({ x: 0, y: 0, width: 1, height: 1 }, 0, 10), /image size 0 × 10/);
});

const analysis: ScreenshotAnalysis = {
  width: 800,
  height: 600,
  elements: [
    {
      text: 'Save',
      box: { x: 400, y: 300, width: 80, height: 30 },
      confidence: 0.93,
      role: 'button',
    },
    { text: 'File', box: { x: 0, y: 0, width: 40, height: 20 }, confidence: 0.8 },
  ],
  matches: [
    { text: 'Save', box: { x: 400, y: 300, width: 80, height: 30 }, confidence: 0.93, score: 1 },
  ],
  timings: { totalMs: 10 },
};

test('the overlay marks the query matches by rank and gives every element a role', () => {
  const boxes = overlayBoxes(analysis);
  assert.deepEqual(
    boxes.map((b) => [b.text, b.role, b.matchRank, b.pct.left, b.pct.top]),
    [
      ['Save', 'button', 1, 50, 50],
      ['File', 'text', 0, 0, 0],
    ],
  );
  assert.equal(analysisText(analysis), 'File\nSave', 'top to bottom without lines');
  assert.equal(
    analysisText({ ...analysis, lines: [{ text: 'File  Save', box: analysis.elements[1]!.box }] }),
    'File  Save',
  );
});

test("the agent tool's Markdown report has a role column", () => {
  const md = screenshotReport('shot.png', analysis, 'Save button');
  assert.match(md, /\| text \| role \| x, y \|/);
  assert.match(md, /\| Save \| button \| 400, 300 \|/);
  assert.match(md, /\| File \| text \| 0, 0 \|/);
});

test('the stepper decodes a real GIF into its own folder once, at the capped rate', async () => {
  const root = mkdtempSync(join(tmpdir(), 'vlm-stepper-'));
  try {
    const gif = 'test/fixtures/real/terminal-thefuck-corrections.gif';
    const frames = await extractStepperFrames(findFfmpeg(''), gif, root, 20);
    assert.ok(Math.abs(frames.durationSec - 31.14) < 0.2, `duration ${frames.durationSec}`);
    assert.ok(Math.abs(frames.fps - 20 / frames.durationSec) < 1e-6);
    assert.ok(frames.files.length >= 19 && frames.files.length <= 20, `${frames.files.length}`);
    assert.ok(frames.dir.startsWith(root));
    assert.deepEqual(readdirSync(root), [frames.dir.slice(root.length + 1)], 'no temporary left');
    const first = statSync(join(frames.dir, frames.files[0]!));
    const again = await extractStepperFrames(findFfmpeg(''), gif, root, 20);
    assert.deepEqual(again.files, frames.files);
    assert.equal(statSync(join(frames.dir, frames.files[0]!)).mtimeMs, first.mtimeMs, 'reused');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the stepper keeps the frames of a bounded number of videos', async () => {
  const root = mkdtempSync(join(tmpdir(), 'vlm-stepper-'));
  try {
    const ffmpeg = findFfmpeg('');
    const first = await extractStepperFrames(
      ffmpeg,
      'test/fixtures/real/posting-url-variables.mp4',
      root,
      3,
      1,
    );
    const second = await extractStepperFrames(
      ffmpeg,
      'test/fixtures/real/terminal-thefuck-corrections.gif',
      root,
      3,
      1,
    );
    assert.ok(!existsSync(first.dir), 'the older video is deleted beyond the bound');
    assert.deepEqual(readdirSync(root), [second.dir.slice(root.length + 1)]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a file ffmpeg cannot decode gives an error naming it, and leaves nothing behind', async () => {
  const root = mkdtempSync(join(tmpdir(), 'vlm-stepper-'));
  try {
    const bad = 'test/fixtures/real/tabby-ssh-session.png.missing';
    await assert.rejects(extractStepperFrames(findFfmpeg(''), bad, root), /ENOENT|no such file/);
    const notVideo = 'package.json';
    await assert.rejects(
      extractStepperFrames(findFfmpeg(''), notVideo, root),
      /cannot decode the frames of package\.json/,
    );
    assert.equal(existsSync(root) && readdirSync(root).length, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
