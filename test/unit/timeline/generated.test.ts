// The timeline on generated recordings with known events, through the engine session as
// every entry point uses it: each event is found at its exact frame, and an ask names it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EngineSession } from '../../../engine/session';
import type { Timeline } from '../../../engine/timeline';
import { tinyModelDir } from '../model/tiny-model';
import {
  CUT,
  cutFrame,
  FPS,
  makeVideo,
  TOAST,
  toastFrame,
  TYPING,
  typingFrame,
  typingFrames,
} from './generated';

describe('timeline on generated recordings', () => {
  let cacheDir: string;
  let session: EngineSession;

  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'vlm-timeline-'));
    session = new EngineSession({ cacheDir, model: await tinyModelDir(), provider: 'cpu' });
  });
  after(async () => {
    await session.dispose();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  /** Opens a video at its own frame rate, waits for it, returns its timeline and an ask. */
  async function timelineOf(path: string, question: string) {
    const stream = await session.open({ kind: 'file', path }, { fps: FPS, persist: false });
    try {
      await stream.ready;
      const timeline: Timeline = stream.timeline();
      const answer = await stream.ask(question, { maxTokens: 1 });
      return { timeline, top: answer.evidence[0] };
    } finally {
      await stream.close();
    }
  }

  it('finds a toast at the frame it was drawn, with its text', async () => {
    const video = await makeVideo('toast', TOAST.frames, toastFrame);
    const { timeline, top } = await timelineOf(video, 'When does the notification appear?');
    const appeared = timeline.events.filter((e) => e.action === 'appeared');
    assert.equal(appeared.length, 1, JSON.stringify(timeline.events));
    const [toast] = appeared;
    assert.equal(toast!.frameIndex, TOAST.frame);
    assert.equal(toast!.timeSec, TOAST.frame / FPS);
    assert.equal(toast!.type, 'notification');
    assert.ok(
      toast!.texts.some((t) => t.includes(TOAST.text)),
      toast!.texts.join(' | '),
    );
    // The toast's box lies in the bottom-right corner where it was drawn.
    assert.ok(toast!.region.x >= 320 && toast!.region.y >= 240, JSON.stringify(toast!.region));
    assert.equal(top?.timeSec, TOAST.frame / FPS);
    assert.match(top?.event?.reason ?? '', /notification appeared at 0:01\.8 with .*Hello World!/);
  });

  it('makes typing one character per frame one typed event, from its first character', async () => {
    const video = await makeVideo('typing', typingFrames(), typingFrame);
    const { timeline, top } = await timelineOf(video, "When is 'git status' typed?");
    assert.equal(timeline.typed.length, 1, JSON.stringify(timeline.typed));
    const [typed] = timeline.typed;
    assert.equal(typed!.startFrame, TYPING.startFrame);
    assert.equal(typed!.endSec, (TYPING.startFrame + TYPING.command.length - 1) / FPS);
    assert.ok(typed!.text.endsWith(TYPING.command), typed!.text);
    assert.equal(top?.timeSec, TYPING.startFrame / FPS);
    assert.equal(top?.event?.kind, 'typed');
  });

  it('finds the one hard cut between two clips at its frame', async () => {
    const video = await makeVideo('cut', CUT.frames, cutFrame);
    const { timeline, top } = await timelineOf(video, 'When is the cut to the new scene?');
    assert.deepEqual(
      timeline.cuts.map((c) => c.frameIndex),
      [CUT.frame],
    );
    assert.ok(timeline.cuts[0]!.strength >= 3, JSON.stringify(timeline.cuts));
    assert.equal(top?.timeSec, CUT.frame / FPS);
    assert.equal(top?.event?.kind, 'cut');
  });
});
