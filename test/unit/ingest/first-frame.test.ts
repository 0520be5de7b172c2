// Sampling at a target fps keeps a video's first frame, and each sample shows the frame on
// screen at its time. Regression: the fps filter's default rounding (`near`) gave the 0 s
// sample the frame from about half a sample later, so the first frame was never delivered
// (a camera clip whose video starts at 0.008 s came out with samples labelled 0.475 s too
// early); and rounding up alone lost the 0 s sample of such a clip altogether. Real
// fixtures, plus one of them remuxed so its video starts after its audio.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeFrames } from '../../../engine/ingest/decoder';
import type { DecodedFrame } from '../../../engine/ingest/types';
import { ffmpeg, ffmpegPath, tempDir } from './generate';

const REAL = join(__dirname, '../../fixtures/real');
/** Small frames: the pixels only have to tell frames apart. */
const SIZE = { maxWidth: 64, maxHeight: 64 };

/** duration_s of each file in MANIFEST.tsv (ffmpeg's figure, also for the GIF). */
function manifestDurations(): Map<string, number> {
  const [header, ...rows] = readFileSync(join(REAL, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const column = header!.split('\t').indexOf('duration_s');
  return new Map(rows.map((row) => row.split('\t')).map((c) => [c[0]!, Number(c[column])]));
}
const DURATION = manifestDurations();

async function decode(path: string, fps?: number): Promise<DecodedFrame[]> {
  const frames: DecodedFrame[] = [];
  for await (const frame of decodeFrames(path, { ...SIZE, fps })) frames.push(frame);
  return frames;
}

/** The clip remuxed (no re-encoding) with its video `offsetSec` after its audio. */
function videoAfterAudio(name: string, offsetSec: number): string {
  const source = join(REAL, name);
  const path = join(tempDir(), `video-at-${offsetSec}s-${name}`);
  ffmpeg([
    ...['-itsoffset', String(offsetSec), '-i', source, '-i', source],
    ...['-map', '0:v:0', '-map', '1:a:0', '-c', 'copy', path],
  ]);
  return path;
}

/** When the first video frame is shown, on the file's clock (ffmpeg's showinfo). */
function firstVideoFrameSec(path: string): number {
  const args = ['-hide_banner', '-nostdin', '-i', path, '-map', '0:v:0', '-frames:v', '1'];
  const { stderr } = spawnSync(ffmpegPath, [...args, '-vf', 'showinfo', '-f', 'null', '-'], {
    encoding: 'utf8',
  });
  return Number(/pts_time:([\d.]+)/.exec(stderr)?.[1]);
}

/** The last native frame at or before `timeSec`: what is on screen then. */
function onScreenAt(native: DecodedFrame[], timeSec: number): DecodedFrame {
  const shown = native.filter((frame) => frame.timeSec <= timeSec + 1e-9).at(-1);
  assert.ok(shown, `no frame on screen at ${timeSec} s`);
  return shown;
}

async function checkSampling(path: string, videoSec: number, fps: number): Promise<void> {
  const [native, sampled] = [await decode(path), await decode(path, fps)];
  const atLeast = Math.floor(videoSec * fps);
  assert.ok(sampled.length >= atLeast, `${sampled.length} samples, want >= ${atLeast}`);
  assert.equal(sampled[0]!.timeSec, 0, 'the first sample is at 0 s');
  assert.ok(sampled[0]!.rgb.equals(native[0]!.rgb), "the first sample is the video's first frame");
  for (const sample of sampled) {
    const expected = onScreenAt(native, sample.timeSec);
    assert.ok(
      sample.rgb.equals(expected.rgb),
      `the sample at ${sample.timeSec} s shows the frame at ${expected.timeSec} s`,
    );
  }
}

for (const name of [
  'dog-in-basket-fireplace.mp4',
  'silent-film-street-scene.mp4',
  'lazygit-nuke-working-tree.mp4',
  'terminal-thefuck-corrections.gif',
]) {
  test(`${name} at 1 fps: the first frame at 0 s, a sample per second, each the frame then on screen`, async () => {
    await checkSampling(join(REAL, name), DURATION.get(name)!, 1);
  });
}

test('the 31 s GIF of 464 frames gives at least 31 samples at 1 fps', async () => {
  const samples = await decode(join(REAL, 'terminal-thefuck-corrections.gif'), 1);
  assert.ok(samples.length >= 31, `${samples.length} samples`);
  assert.deepEqual(
    samples.slice(0, 31).map((s) => s.timeSec),
    Array.from({ length: 31 }, (_, k) => k),
  );
});

for (const offsetSec of [0.008, 0.6]) {
  test(`a camera clip whose video starts ${offsetSec} s after its audio keeps its first frame at 1 and 3 fps`, async () => {
    const path = videoAfterAudio('dog-in-basket-fireplace.mp4', offsetSec);
    assert.ok(Math.abs(firstVideoFrameSec(path) - offsetSec) < 0.002, 'the video starts late');
    const videoSec = DURATION.get('dog-in-basket-fireplace.mp4')!;
    await checkSampling(path, videoSec, 1);
    await checkSampling(path, videoSec, 3);
  });
}
