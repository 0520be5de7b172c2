import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { decodeFrames, readVideoMetadata } from '../../../engine/ingest/decoder';
import type { DecodedFrame } from '../../../engine/ingest/types';
import { ffmpeg, makeScreenRecording, makeTestVideo, renderScreen, tempDir } from './generate';

const dir = tempDir();
const recording = makeScreenRecording(dir);

async function collect(frames: AsyncIterable<DecodedFrame>): Promise<DecodedFrame[]> {
  const out: DecodedFrame[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('native rate: every frame, with timestamps k/fps and packed RGB of the right size', async () => {
  const { path, frameCount, fps } = await recording;
  const frames = await collect(decodeFrames(path));
  assert.equal(frames.length, frameCount);
  frames.forEach((frame, k) => {
    assert.equal(frame.index, k);
    assert.ok(Math.abs(frame.timeSec - k / fps) < 1e-9, `frame ${k} at ${frame.timeSec}`);
    assert.equal(frame.width, 640);
    assert.equal(frame.height, 360);
    assert.equal(frame.rgb.length, 640 * 360 * 3);
  });
});

test('target fps: exact count and exact grid times, also from a start time to an end time', async () => {
  const { path } = await recording; // 6 s
  const at4 = await collect(decodeFrames(path, { fps: 4 }));
  assert.equal(at4.length, 24);
  assert.deepEqual(
    at4.map((f) => f.timeSec),
    Array.from({ length: 24 }, (_, k) => k / 4),
  );
  const at3 = await collect(decodeFrames(path, { fps: 3, startSec: 1, endSec: 3 }));
  assert.deepEqual(
    at3.map((f) => f.timeSec),
    [3, 4, 5, 6, 7, 8].map((k) => k / 3),
  );
  assert.deepEqual(
    at3.map((f) => f.index),
    [0, 1, 2, 3, 4, 5],
  );
});

test('max resolution scales down keeping the aspect ratio, to even sizes; small frames are left alone', async () => {
  const { path } = await recording;
  const [small] = await collect(
    decodeFrames(path, { fps: 1, endSec: 1, maxWidth: 333, maxHeight: 333 }),
  );
  assert.ok(small);
  assert.equal(small.width % 2, 0);
  assert.equal(small.height % 2, 0);
  assert.ok(small.width <= 333 && small.height <= 333);
  assert.ok(Math.abs(small.width / small.height - 640 / 360) < 0.02);
  assert.equal(small.rgb.length, small.width * small.height * 3);
  const [same] = await collect(
    decodeFrames(path, { fps: 1, endSec: 1, maxWidth: 1920, maxHeight: 1080 }),
  );
  assert.equal(same?.width, 640);
});

test('metadata from ffmpeg -i: duration, fps, size, codec, frame count', async () => {
  const { path } = await recording;
  const meta = await readVideoMetadata(path);
  assert.equal(meta.durationSec, 6);
  assert.equal(meta.fps, 10);
  assert.equal(meta.width, 640);
  assert.equal(meta.height, 360);
  assert.equal(meta.codec, 'h264');
  assert.equal(meta.frameCountEstimate, 60);
  assert.equal(meta.isImage, false);
});

test('containers: webm, mkv, avi, mov, animated gif, image sequence and a single image', async () => {
  const cases: Array<[string, string[]]> = [
    ['clip.webm', ['-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '200k']],
    ['clip.mkv', ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']],
    ['clip.avi', ['-c:v', 'mpeg4']],
    ['clip.mov', ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']],
    ['clip.gif', []],
  ];
  for (const [name, codec] of cases) {
    const path = makeTestVideo(join(dir, name), { seconds: 1, fps: 10, codec });
    const frames = await collect(decodeFrames(path, { fps: 5 }));
    assert.equal(frames.length, 5, name);
    assert.deepEqual(
      frames.map((f) => f.timeSec),
      [0, 0.2, 0.4, 0.6, 0.8],
      name,
    );
    assert.equal(frames[0]!.width, 160, name);
  }
  const seqDir = tempDir();
  for (let i = 1; i <= 3; i++)
    writeFileSync(join(seqDir, `shot${i}.png`), await renderScreen([`shot ${i}`], 200, 100));
  const sequence = await collect(
    decodeFrames({ kind: 'image-sequence', pattern: join(seqDir, 'shot%d.png'), framerate: 2 }),
  );
  assert.deepEqual(
    sequence.map((f) => f.timeSec),
    [0, 0.5, 1],
  );
  const single = await collect(decodeFrames(join(seqDir, 'shot1.png'), { fps: 2 }));
  assert.equal(single.length, 1);
  assert.equal(single[0]!.width, 200);
});

test('the pixels are the picture: a red frame decodes to red', async () => {
  const png = join(dir, 'red.png');
  await sharp({
    create: { width: 64, height: 32, channels: 3, background: { r: 255, g: 0, b: 0 } },
  })
    .png()
    .toFile(png);
  const mp4 = join(dir, 'red.mp4');
  ffmpeg([
    '-loop',
    '1',
    '-framerate',
    '5',
    '-i',
    png,
    '-t',
    '1',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '0',
    '-pix_fmt',
    'yuv444p',
    mp4,
  ]);
  const [frame] = await collect(decodeFrames(mp4, { endSec: 0.2 }));
  assert.ok(frame);
  const [r, g, b] = frame.rgb.subarray(3 * (16 * 64 + 32), 3 * (16 * 64 + 32) + 3);
  assert.ok(r! > 240 && g! < 15 && b! < 15, `got ${r},${g},${b}`);
});

test('abort after the first frame: the loop ends with AbortError and ffmpeg is gone', async () => {
  const { path } = await recording;
  const controller = new AbortController();
  const stream = decodeFrames(path, { signal: controller.signal });
  let pid: number | undefined;
  await assert.rejects(
    async () => {
      for await (const _frame of stream) {
        pid = stream.pid;
        controller.abort();
      }
    },
    { name: 'AbortError' },
  );
  assert.ok(pid);
  assert.equal(isAlive(pid), false, `ffmpeg ${pid} still exists`);
});

test('breaking out of the loop kills ffmpeg too', async () => {
  const { path } = await recording;
  const stream = decodeFrames(path);
  let pid: number | undefined;
  for await (const _frame of stream) {
    pid = stream.pid;
    break;
  }
  assert.ok(pid);
  assert.equal(isAlive(pid), false);
  assert.equal(stream.stats.framesDelivered, 1);
});

test('a FrameStream cannot be iterated twice', async () => {
  const { path } = await recording;
  const stream = decodeFrames(path, { endSec: 0.1 });
  await collect(stream);
  assert.throws(() => stream[Symbol.asyncIterator](), /only once/);
});

test('a slow consumer of a file pauses ffmpeg: at most about two frames are buffered', async () => {
  const path = makeTestVideo(join(dir, 'big.mp4'), { seconds: 2, fps: 25, size: '1280x720' });
  const stream = decodeFrames(path);
  let frames = 0;
  for await (const _frame of stream) {
    frames++;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(frames, 50);
  const frameBytes = 1280 * 720 * 3;
  assert.ok(stream.stats.peakBufferedBytes > 0);
  assert.ok(
    stream.stats.peakBufferedBytes <= Math.max(4 << 20, 2 * frameBytes + (1 << 20)) + (64 << 10),
    `buffered ${stream.stats.peakBufferedBytes} bytes, frame is ${frameBytes}`,
  );
});

test('bad options are rejected up front, naming the option', () => {
  assert.throws(() => decodeFrames('x.mp4', { fps: 0 }), /decode option fps=0: must be above 0/);
  assert.throws(() => decodeFrames('x.mp4', { fps: Number.NaN }), /fps=NaN/);
  assert.throws(() => decodeFrames('x.mp4', { startSec: -1 }), /startSec=-1/);
  assert.throws(
    () => decodeFrames('x.mp4', { startSec: 5, endSec: 5 }),
    /endSec=5: must be after startSec/,
  );
  assert.throws(() => decodeFrames('x.mp4', { maxWidth: 1.5 }), /maxWidth=1.5/);
});

test('file names that look like ffmpeg protocols or options are read as plain files', async () => {
  const { path } = await recording;
  const odd = 'concat:-i notes|x.mp4'; // relative, so the "protocol" is at the start
  writeFileSync(join(dir, odd), readFileSync(path));
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const frames = await collect(decodeFrames(odd, { fps: 1 }));
    assert.equal(frames.length, 6);
    assert.equal((await readVideoMetadata(odd)).width, 640);
  } finally {
    process.chdir(cwd);
  }
});
