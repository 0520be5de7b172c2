// Every kind of bad video input ends with an IngestError that names the file and the
// problem, and never hangs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFrames, readVideoMetadata } from '../../../engine/ingest/decoder';
import { IngestError, type IngestErrorCode } from '../../../engine/ingest/errors';
import { makeTestVideo, tempDir } from './generate';

const dir = tempDir();

async function decodeAll(path: string, options = {}): Promise<number> {
  let count = 0;
  for await (const _frame of decodeFrames(path, options)) count++;
  return count;
}

async function rejectsWith(
  work: Promise<unknown>,
  code: IngestErrorCode,
  file: string,
  problem: RegExp,
): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof IngestError, `not an IngestError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.ok(
      error.message.startsWith(`${file}: `),
      `message does not name the file: ${error.message}`,
    );
    assert.match(error.message, problem);
    return true;
  });
}

/** 3 s of 160x120 H.264 at 10 fps; moov at the end unless `faststart`. */
function video(name: string, faststart = false): string {
  const codec = [
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    ...(faststart ? ['-movflags', '+faststart'] : []),
  ];
  return makeTestVideo(join(dir, name), { seconds: 3, fps: 10, codec });
}

test('zero-byte file', async () => {
  const path = join(dir, 'empty.mp4');
  writeFileSync(path, '');
  await rejectsWith(decodeAll(path), 'empty-file', path, /empty \(0 bytes\)/);
});

test('missing file', async () => {
  const path = join(dir, 'nowhere.mp4');
  await rejectsWith(decodeAll(path), 'not-found', path, /file not found/);
});

test('truncated MP4 whose index (moov) was never written', async () => {
  const whole = readFileSync(video('whole.mp4'));
  const path = join(dir, 'cut.mp4');
  writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
  await rejectsWith(decodeAll(path), 'truncated', path, /truncated.*moov atom not found/);
});

test('truncated MP4 with its index in front: the frames that exist, then a truncated error', async () => {
  const whole = readFileSync(video('fast.mp4', true));
  const path = join(dir, 'fast-cut.mp4');
  writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
  let frames = 0;
  await rejectsWith(
    (async () => {
      for await (const _frame of decodeFrames(path)) frames++;
    })(),
    'truncated',
    path,
    /truncated/,
  );
  assert.ok(frames > 0 && frames < 30, `decoded ${frames} frames before the cut`);
});

test('corrupt file: MP4 signature, garbage after it', async () => {
  const whole = readFileSync(video('to-corrupt.mp4'));
  const garbage = Buffer.from(whole);
  for (let i = 12; i < garbage.length; i++) garbage[i] = (i * 7919) & 0xff;
  const path = join(dir, 'corrupt.mp4');
  writeFileSync(path, garbage);
  await rejectsWith(decodeAll(path), 'corrupt', path, /looks like MP4\/MOV but is corrupt/);
});

test('not a media file at all', async () => {
  const path = join(dir, 'notes.mp4');
  writeFileSync(path, 'meeting notes\n'.repeat(200));
  await rejectsWith(decodeAll(path), 'not-media', path, /not a video or image file/);
});

test('unsupported codec (AVI with an unknown FourCC)', async () => {
  const avi = readFileSync(
    makeTestVideo(join(dir, 'known.avi'), { seconds: 1, fps: 10, codec: ['-c:v', 'mpeg4'] }),
  );
  const path = join(dir, 'unknown-codec.avi');
  writeFileSync(path, Buffer.from(avi.toString('latin1').replaceAll('FMP4', 'ZZZZ'), 'latin1'));
  await rejectsWith(decodeAll(path), 'unsupported-codec', path, /unsupported codec.*'ZZZZ'/);
});

test('huge dimensions: over the pixel limit before any frame is decoded', async () => {
  const path = video('normal.mp4');
  await rejectsWith(
    decodeAll(path, { maxPixels: 10_000 }),
    'too-many-pixels',
    path,
    /160x120 = 19200 pixels, over the limit of 10000/,
  );
});

test('absurd duration: an MP4 whose header claims 1193 hours', async () => {
  const bytes = Buffer.from(readFileSync(video('for-duration.mp4')));
  for (const [box, offset] of [
    ['mvhd', 20],
    ['mdhd', 20],
    ['tkhd', 24],
  ] as const) {
    bytes.writeUInt32BE(0xfffffff0, bytes.indexOf(box) + offset);
  }
  const path = join(dir, 'forever.mp4');
  writeFileSync(path, bytes);
  assert.ok(((await readVideoMetadata(path)).durationSec ?? 0) > 4e6);
  await rejectsWith(
    decodeAll(path),
    'too-long',
    path,
    /duration 4294967\.\d s is over the limit of 86400 s/,
  );
});

test('missing ffmpeg binary', async () => {
  const path = video('ok.mp4');
  await rejectsWith(
    decodeAll(path, { ffmpegPath: '/nonexistent/bin/ffmpeg' }),
    'ffmpeg-missing',
    '/nonexistent/bin/ffmpeg',
    /cannot start ffmpeg \(no such file\)/,
  );
});

test('a stalled ffmpeg is killed after the stall timeout', async () => {
  // A "ffmpeg" that prints nothing and sleeps: the decoder must give up, not wait forever.
  const fake = join(dir, 'sleepy-ffmpeg');
  writeFileSync(fake, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
  const path = video('fine.mp4');
  const stream = decodeFrames(
    { kind: 'growing-file', path, idleMs: 50 },
    { ffmpegPath: fake, stallTimeoutMs: 300 },
  );
  await rejectsWith(
    (async () => {
      for await (const _frame of stream) void _frame;
    })(),
    'timeout',
    path,
    /no output for 350 ms/,
  );
});
