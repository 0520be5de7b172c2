import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { decodeFrames } from '../../../engine/ingest/decoder';
import {
  FrameGate,
  blockLuma,
  describeUnchanged,
  gateFrames,
} from '../../../engine/ingest/frame-gate';
import type { DecodedFrame } from '../../../engine/ingest/types';
import { makeScreenRecording, renderScreen, tempDir } from './generate';

const REAL = `${__dirname}/../../fixtures/real`;

async function rgbFrame(png: Buffer, index: number, timeSec: number): Promise<DecodedFrame> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { index, timeSec, width: info.width, height: info.height, rgb: data, droppedBefore: 0 };
}

test('a mostly static screen recording: >= 80% skipped, every frame where text changes kept', async () => {
  const recording = await makeScreenRecording(tempDir(), {
    frameCount: 100,
    changeFrames: [12, 30, 55, 81],
  });
  const gate = new FrameGate();
  const kept: number[] = [];
  for await (const { frame } of gateFrames(decodeFrames(recording.path), gate))
    kept.push(frame.index);
  for (const change of [0, ...recording.changeFrames])
    assert.ok(kept.includes(change), `frame ${change} (text changed) was skipped; kept ${kept}`);
  assert.equal(gate.stats.seen, 100);
  assert.ok(
    gate.stats.skipped / gate.stats.seen >= 0.8,
    `skipped only ${gate.stats.skipped} of 100; kept ${kept}`,
  );
  assert.equal(
    gate.stats.sceneChanges,
    1,
    'only the first frame starts a scene: a few characters are not a new scene',
  );
});

test('skipped frames are reported as a run on the next kept frame and at the end', async () => {
  const recording = await makeScreenRecording(tempDir(), { frameCount: 40, changeFrames: [20] });
  const gate = new FrameGate();
  const decisions = [];
  for await (const gated of gateFrames(decodeFrames(recording.path), gate)) decisions.push(gated);
  const atChange = decisions.find((d) => d.frame.index === 20);
  assert.ok(atChange?.decision.unchangedBefore);
  const run = atChange.decision.unchangedBefore;
  assert.equal(run.keptIndex, 0);
  assert.equal(run.fromSec, 0);
  assert.ok(run.toSec >= 1.5 && run.toSec <= 1.9, `run ends at ${run.toSec}`);
  const tail = gate.finish();
  assert.ok(tail && tail.toSec === 3.9, `tail run ${JSON.stringify(tail)}`);
  assert.match(describeUnchanged(tail), /^unchanged from 0:0\d to 0:03 \(\d+ frames\)$/);
});

test('one changed character on a static 1080p screen passes; an identical frame does not', async () => {
  const lines = Array.from(
    { length: 40 },
    (_, i) => `line ${i}: const value${i} = compute(${i}, options);`,
  );
  const before = await rgbFrame(await renderScreen(lines, 1920, 1080), 0, 0);
  const same = await rgbFrame(await renderScreen(lines, 1920, 1080), 1, 1);
  const changed = lines.map((l, i) => (i === 23 ? l.replace('(23,', '(28,') : l));
  const after = await rgbFrame(await renderScreen(changed, 1920, 1080), 2, 2);
  const gate = new FrameGate();
  assert.equal(gate.push(before).keep, true);
  assert.equal(gate.push(same).keep, false);
  const decision = gate.push(after);
  assert.equal(decision.keep, true);
  assert.equal(decision.sceneChange, false);
  assert.ok(decision.changedFraction < 0.01);
});

test('a different screen is a scene change', async () => {
  const gate = new FrameGate();
  gate.push(await rgbFrame(await renderScreen(['editor']), 0, 0));
  const light = await sharp({
    create: { width: 640, height: 360, channels: 3, background: '#f0f0f0' },
  })
    .png()
    .toBuffer();
  const decision = gate.push(await rgbFrame(light, 1, 1));
  assert.equal(decision.keep, true);
  assert.equal(decision.sceneChange, true);
  assert.equal(decision.reason, 'scene-change');
});

test('a higher threshold skips more', async () => {
  const a = await rgbFrame(await renderScreen(['Total: 41 items']), 0, 0);
  const b = await rgbFrame(await renderScreen(['Total: 42 items']), 1, 1);
  const strict = new FrameGate({ threshold: 12 });
  strict.push(a);
  assert.equal(strict.push(b).keep, true);
  const lax = new FrameGate({ threshold: 255 });
  lax.push(a);
  assert.equal(lax.push(b).keep, false);
});

test('real screen recording (lazygit, 11.4 s at 5 fps): most frames skipped; camera video (dog): most kept', async () => {
  const screen = new FrameGate();
  for await (const _ of gateFrames(
    decodeFrames(`${REAL}/lazygit-nuke-working-tree.mp4`, { fps: 5 }),
    screen,
  ))
    void _;
  assert.equal(screen.stats.seen, 57);
  assert.ok(
    screen.stats.kept < screen.stats.seen / 2,
    `kept ${screen.stats.kept} of ${screen.stats.seen}`,
  );
  const camera = new FrameGate();
  for await (const _ of gateFrames(
    decodeFrames(`${REAL}/dog-in-basket-fireplace.mp4`, { fps: 5 }),
    camera,
  ))
    void _;
  assert.ok(
    camera.stats.kept >= camera.stats.seen * 0.8,
    `camera kept ${camera.stats.kept} of ${camera.stats.seen}`,
  );
});

test('reusing unchanged rows is exact: the difference equals the one from full luma sums', async () => {
  const width = 50;
  const height = 37; // not a multiple of the block size: a partial last band
  const a = Buffer.alloc(width * height * 3, 40);
  const b = Buffer.from(a);
  for (let x = 10; x < 14; x++) b.fill(250, 3 * (35 * width + x), 3 * (35 * width + x) + 3); // bottom band
  const c = Buffer.from(b);
  c.fill(90, 3 * (5 * width + 2), 3 * (5 * width + 3)); // one pixel in a top band
  const frame = (rgb: Buffer, index: number) => ({
    index,
    timeSec: index,
    width,
    height,
    rgb,
    droppedBefore: 0,
  });
  const full = (rgb: Buffer) => blockLuma(rgb, width, height, 4);
  const maxDiff = (x: Float32Array, y: Float32Array) =>
    Math.max(...x.map((v, i) => Math.abs(v - y[i]!)));
  const gate = new FrameGate({ threshold: 1 });
  gate.push(frame(a, 0));
  const db = gate.push(frame(b, 1));
  assert.equal(db.maxBlockDiff, maxDiff(full(b), full(a)));
  const dc = gate.push(frame(c, 2));
  assert.equal(dc.maxBlockDiff, maxDiff(full(c), full(b)));
  assert.equal(gate.push(frame(Buffer.from(c), 3)).keep, false);
});

test('block luma: mean BT.601 luma per block, partial blocks at the right and bottom edges', () => {
  const width = 37;
  const height = 23;
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 7919 + 13) & 0xff;
  for (const blockSize of [4, 5]) {
    const luma = blockLuma(rgb, width, height, blockSize);
    const cols = Math.ceil(width / blockSize);
    assert.equal(luma.length, cols * Math.ceil(height / blockSize));
    for (let by = 0; by * blockSize < height; by++) {
      for (let bx = 0; bx < cols; bx++) {
        let sum = 0;
        let count = 0;
        for (let y = by * blockSize; y < Math.min(height, (by + 1) * blockSize); y++) {
          for (let x = bx * blockSize; x < Math.min(width, (bx + 1) * blockSize); x++) {
            const p = 3 * (y * width + x);
            sum += (77 * rgb[p]! + 150 * rgb[p + 1]! + 29 * rgb[p + 2]!) / 256;
            count++;
          }
        }
        assert.ok(
          Math.abs(luma[by * cols + bx]! - sum / count) < 1e-3,
          `block ${bx},${by} size ${blockSize}`,
        );
      }
    }
  }
});
