// Incremental screenshots: on pairs of frames cut from real screen recordings, a session's
// analysis of the second frame equals a fresh analysis of it (sameAnalysis: every
// element, line, block and match, boxes and confidences to the last bit), whether the
// session reused readings or fell back to reading everything. Plus the session's bounds:
// names, expiry, the least recently used session going first, the byte cap, deletion,
// and the sessions the CLI saves to disk.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadPair, losslessSecond, SCREEN_PAIRS } from '../../../engine/bench/support/screen-pairs';
import { analyzeScreenshot } from '../../../engine/ocr/analyze';
import { OcrEngine } from '../../../engine/ocr/engine';
import type { RgbImage, ScreenAnalysis } from '../../../engine/ocr/types';
import {
  analyzeInSession,
  checkSessionName,
  DEFAULT_SCREEN_SESSION_LIMITS,
  firstDifference,
  LARGE_CHANGE_SHARE,
  loadSession,
  sameAnalysis,
  saveSession,
  ScreenSessions,
  SessionNameError,
} from '../../../engine/screen/session';

let engine: OcrEngine;
const frames = new Map<string, [RgbImage, RgbImage]>();
const fresh = new Map<string, ScreenAnalysis>();

before(async () => {
  engine = await OcrEngine.create({ provider: 'cpu' });
  for (const pair of SCREEN_PAIRS) {
    const images = await loadPair(pair);
    frames.set(pair.id, images);
    fresh.set(pair.id, await analyzeScreenshot(images[1], { engine }));
  }
});
after(() => engine.release());

function assertSame(actual: ScreenAnalysis, expected: ScreenAnalysis, what: string) {
  assert.ok(sameAnalysis(actual, expected), `${what}: ${firstDifference(actual, expected)}`);
}

for (const pair of SCREEN_PAIRS.filter((p) => !p.large)) {
  test(`${pair.id}${pair.heldOut ? ' (held out)' : ''}: the session's analysis after "${pair.change}" equals a fresh one`, async () => {
    const [first, second] = frames.get(pair.id)!;
    const sessions = new ScreenSessions();
    const opening = await analyzeInSession(sessions, pair.id, first, { engine });
    assert.equal(opening.session.mode, 'full');
    assert.equal(opening.session.reason, 'new session');
    const next = await analyzeInSession(sessions, pair.id, second, { engine });
    assertSame(next, fresh.get(pair.id)!, pair.id);
    assert.ok(fresh.get(pair.id)!.elements.length > 0, 'the frame has text to compare');
    const report = next.session;
    assert.equal(report.screenshot, 2);
    if (report.changedShare > LARGE_CHANGE_SHARE) {
      assert.equal(report.reason, 'large change');
    } else {
      assert.equal(report.mode, 'incremental');
      assert.ok(report.reusedCrops > 0, `no reading reused: ${JSON.stringify(report)}`);
    }
  });
}

for (const pair of SCREEN_PAIRS.filter((p) => !p.large)) {
  test(`${pair.id}, lossless (codec noise taken out): the session reuses unchanged crops and equals fresh`, async () => {
    const [first, recorded] = frames.get(pair.id)!;
    const second = losslessSecond(first, recorded);
    const sessions = new ScreenSessions();
    await analyzeInSession(sessions, pair.id, first, { engine });
    const next = await analyzeInSession(sessions, pair.id, second, { engine });
    assertSame(next, await analyzeScreenshot(second, { engine }), `${pair.id} lossless`);
    assert.equal(next.session.mode, 'incremental', JSON.stringify(next.session));
    assert.ok(next.session.reusedCrops > 0, JSON.stringify(next.session));
  });
}

test('the equality check catches a reused reading off by a last bit', async () => {
  // What the per-pair tests rely on: were the memo to hand back a reading a fresh run
  // would not produce, even one whose confidence differs in its last bits, the session's
  // analysis would no longer equal the fresh one and sameAnalysis would say so.
  const [first, second] = frames.get('pr-comment-widget')!;
  const sessions = new ScreenSessions();
  await analyzeInSession(sessions, 'tampered', first, { engine });
  for (const [, entry] of sessions.peek('tampered')!.memo.snapshot())
    entry.read = { ...entry.read, confidence: entry.read.confidence * (1 + 2 ** -40) };
  const next = await analyzeInSession(sessions, 'tampered', second, { engine });
  assert.ok(next.session.reusedCrops > 0, JSON.stringify(next.session));
  const expected = fresh.get('pr-comment-widget')!;
  assert.ok(!sameAnalysis(next, expected), 'a nudged confidence went unnoticed');
  assert.match(firstDifference(next, expected) ?? '', /confidence/);
});

test('going back to the earlier screen (a dialog closed) reuses its readings and equals fresh', async () => {
  const pair = SCREEN_PAIRS.find((p) => p.id === 'shira-completion')!;
  const [first, second] = frames.get(pair.id)!;
  const sessions = new ScreenSessions();
  await analyzeInSession(sessions, 's', first, { engine });
  await analyzeInSession(sessions, 's', second, { engine });
  const back = await analyzeInSession(sessions, 's', first, { engine });
  assertSame(back, await analyzeScreenshot(first, { engine }), 'back');
  assert.equal(back.session.mode, 'incremental');
  assert.ok(back.session.readCrops < back.session.reusedCrops, JSON.stringify(back.session));
});

test('a whole new screen falls back to a full analysis that equals fresh', async () => {
  const pair = SCREEN_PAIRS.find((p) => p.large)!;
  const [first, second] = frames.get(pair.id)!;
  const sessions = new ScreenSessions();
  await analyzeInSession(sessions, 'big', first, { engine });
  const next = await analyzeInSession(sessions, 'big', second, { engine });
  assert.equal(next.session.mode, 'full');
  assert.equal(next.session.reason, 'large change');
  assert.ok(next.session.changedShare > LARGE_CHANGE_SHARE);
  assert.equal(next.session.reusedCrops, 0);
  assertSame(next, fresh.get(pair.id)!, pair.id);
});

test('a screenshot of another size is read in full, not refused, and equals fresh', async () => {
  const small = frames.get('thefuck-output')![1];
  const [, other] = frames.get('shira-completion')!;
  assert.notEqual(`${small.width}x${small.height}`, `${other.width}x${other.height}`);
  const sessions = new ScreenSessions();
  await analyzeInSession(sessions, 'sized', small, { engine });
  const next = await analyzeInSession(sessions, 'sized', other, { engine });
  assert.equal(next.session.reason, 'size changed');
  assertSame(next, fresh.get('shira-completion')!, 'other size');
});

test('bad session names are refused before any work, naming the name and the rule', async () => {
  const sessions = new ScreenSessions();
  const image = frames.get('thefuck-output')![0];
  for (const [name, problem] of [
    ['', /is empty/],
    ['x'.repeat(65), /is 65 characters long; the limit is 64/],
    ['../escape', /only letters, digits/],
    ['has space', /only letters, digits/],
    ['..', /only letters, digits/],
  ] as const) {
    await assert.rejects(analyzeInSession(sessions, name, image, { engine }), (error: Error) => {
      assert.ok(error instanceof SessionNameError);
      assert.match(error.message, /^session name /);
      assert.match(error.message, problem);
      return true;
    });
  }
  assert.equal(sessions.size, 0);
  assert.equal(checkSessionName('agent-1.run_2'), 'agent-1.run_2');
});

test('a deleted session starts again; an idle one expires; the least recently used goes first', async () => {
  let now = 1_000_000;
  const limits = { ...DEFAULT_SCREEN_SESSION_LIMITS, maxSessions: 2 };
  const sessions = new ScreenSessions(limits, () => now);
  const image = frames.get('thefuck-output')![0];
  await analyzeInSession(sessions, 'a', image, { engine });
  assert.equal(sessions.delete('a'), true);
  assert.equal(sessions.delete('a'), false);
  const again = await analyzeInSession(sessions, 'a', image, { engine });
  assert.equal(again.session.reason, 'new session');
  assert.equal(again.session.screenshot, 1);

  now += limits.idleMs + 1;
  const expired = await analyzeInSession(sessions, 'a', image, { engine });
  assert.equal(expired.session.reason, 'expired');

  await analyzeInSession(sessions, 'b', image, { engine });
  await analyzeInSession(sessions, 'c', image, { engine });
  assert.equal(sessions.size, 2);
  assert.equal(sessions.has('a'), false, 'the least recently used session was forgotten');
  assert.ok(sessions.has('b') && sessions.has('c'));
});

test('the byte cap bounds what a session remembers', async () => {
  const limits = { ...DEFAULT_SCREEN_SESSION_LIMITS, maxBytes: 2000 };
  const sessions = new ScreenSessions(limits);
  const [first, second] = frames.get('pr-comment-widget')!;
  await analyzeInSession(sessions, 'capped', first, { engine });
  const next = await analyzeInSession(sessions, 'capped', second, { engine });
  assert.ok(sessions.bytes <= 2000, `${sessions.bytes} bytes remembered`);
  assertSame(next, fresh.get('pr-comment-widget')!, 'capped');
});

test('a session saved to disk continues in a new process state; expired files are pruned', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlm-screen-sessions-'));
  try {
    const [first, second] = frames.get('pr-comment-widget')!;
    const writer = new ScreenSessions();
    await analyzeInSession(writer, 'saved', first, { engine });
    saveSession(dir, 'saved', writer.peek('saved')!, writer.limits);

    const reader = new ScreenSessions();
    reader.restore('saved', loadSession(dir, 'saved')!);
    const next = await analyzeInSession(reader, 'saved', second, { engine });
    assert.equal(next.session.mode, 'incremental');
    assert.equal(next.session.screenshot, 2);
    assert.ok(next.session.reusedCrops > 0);
    assertSame(next, fresh.get('pr-comment-widget')!, 'from disk');

    saveSession(dir, 'old', reader.peek('saved')!, reader.limits);
    const past = (Date.now() - reader.limits.idleMs - 60_000) / 1000;
    utimesSync(join(dir, 'old.session.json'), past, past);
    saveSession(dir, 'saved', reader.peek('saved')!, reader.limits);
    assert.deepEqual(readdirSync(dir), ['saved.session.json']);
    assert.equal(loadSession(dir, 'missing'), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unreadable image is refused naming it and leaves the session as it was', async () => {
  const pair = SCREEN_PAIRS.find((p) => p.id === 'thefuck-output')!;
  const [first, second] = frames.get(pair.id)!;
  const sessions = new ScreenSessions();
  await analyzeInSession(sessions, 'kept', first, { engine });
  await assert.rejects(
    analyzeInSession(sessions, 'kept', Buffer.from('not an image at all'), { engine }),
    /image buffer \(19 bytes\)/,
  );
  const next = await analyzeInSession(sessions, 'kept', second, { engine });
  assert.equal(next.session.screenshot, 2);
  assert.equal(next.session.mode, 'incremental');
  assertSame(next, fresh.get(pair.id)!, 'after a bad image');
});

test('the same image again is answered from the last result, equal to fresh, and the memo lives on', async () => {
  const pair = SCREEN_PAIRS.find((p) => p.id === 'shira-completion')!;
  const [first, second] = frames.get(pair.id)!;
  const sessions = new ScreenSessions();
  const opening = await analyzeInSession(sessions, 'same', first, { engine });
  const again = await analyzeInSession(sessions, 'same', first, { engine });
  assert.equal(again.session.mode, 'unchanged');
  assert.equal(again.session.screenshot, 2);
  assert.ok(again.timings.totalMs < opening.timings.totalMs);
  assertSame(again, opening, 'unchanged');
  const third = await analyzeInSession(sessions, 'same', first, { engine });
  assert.equal(third.session.mode, 'unchanged');
  const withQuery = await analyzeInSession(sessions, 'same', first, { engine, query: 'region' });
  assert.equal(withQuery.session.mode, 'incremental', 'another query is answered afresh');
  assert.equal(withQuery.session.readCrops, 0);
  assertSame(withQuery, await analyzeScreenshot(first, { engine, query: 'region' }), 'query');
  // Two unchanged screenshots later, the first screen's readings are still there to reuse.
  const next = await analyzeInSession(sessions, 'same', second, { engine });
  assert.equal(next.session.mode, 'incremental');
  assert.ok(next.session.reusedCrops > next.session.readCrops, JSON.stringify(next.session));
  assertSame(next, fresh.get(pair.id)!, 'after unchanged');
});
