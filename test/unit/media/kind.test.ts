// detectMediaKind decides still image or video from a file's bytes: real fixtures, images
// made here with sharp and ffmpeg (stills and animations of each format that can be
// either, some under a misleading name), damaged GIFs, and files that are not media files
// at all (missing, a directory, a FIFO, empty).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, constants, copyFileSync, mkdirSync, openSync } from 'node:fs';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp, { type CreateRaw } from 'sharp';
import { IngestError } from '../../../engine/ingest/errors';
import { detectMediaKind } from '../../../engine/media';
import { gifIsAnimated } from '../../../engine/media/gif';
import { MediaFile } from '../../../engine/media/media-file';
import { ffmpeg, tempDir } from '../ingest/generate';

const REAL = join(__dirname, '../../fixtures/real');
const ANIMATED_GIF = join(REAL, 'terminal-thefuck-corrections.gif');
const dir = tempDir('vlm-media-kind-');
let fileCount = 0;

/** Writes `bytes` to a fresh file in the test folder. */
function write(name: string, bytes: Buffer | string): string {
  const path = join(dir, `${fileCount++}-${name}`);
  writeFileSync(path, bytes);
  return path;
}

/** Raw RGB of `pages` 16x16 pages stacked vertically, each a different grey. */
function pages(count: number): { data: Buffer; raw: CreateRaw } {
  const data = Buffer.alloc(16 * 16 * 3 * count);
  for (let page = 0; page < count; page++) data.fill(40 + page * 80, page * 768, (page + 1) * 768);
  return { data, raw: { width: 16, height: 16 * count, channels: 3, pageHeight: 16 } };
}

async function encoded(count: number, format: 'gif' | 'webp' | 'png'): Promise<Buffer> {
  const { data, raw } = pages(count);
  return sharp(data, { raw })[format]().toBuffer();
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** One PNG chunk: length, type, data, CRC of type and data. */
function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  let crc = 0xffffffff;
  for (const byte of body) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return Buffer.concat([head, body, tail]);
}

/** acTL: number of frames, number of plays (0: forever). */
function acTL(frames: number): Buffer {
  const data = Buffer.alloc(8);
  data.writeUInt32BE(frames, 0);
  return pngChunk('acTL', data);
}

/** A still PNG with `chunk` inserted before its first IDAT, or just before IEND. */
function pngWith(png: Buffer, chunk: Buffer, where: 'before IDAT' | 'before IEND'): Buffer {
  const at = png.indexOf(where === 'before IDAT' ? 'IDAT' : 'IEND', 8, 'latin1') - 4;
  return Buffer.concat([png.subarray(0, at), chunk, png.subarray(at)]);
}

/** GIF89a, 1x1, a two-colour global colour table. */
const GIF_HEADER = Buffer.from('474946383961' + '0100' + '0100' + '800000' + '000000ffffff', 'hex');
/** One 1x1 image: descriptor, LZW minimum code size 2, one data sub-block, terminator. */
const GIF_IMAGE = Buffer.from('2c' + '0000000001000100' + '00' + '02' + '024401' + '00', 'hex');
const GIF_TRAILER = Buffer.from([0x3b]);

/** A comment extension of `kib` KiB in 256-byte sub-blocks. */
function gifComment(kib: number): Buffer {
  const subBlock = Buffer.concat([Buffer.from([255]), Buffer.alloc(255, 0x61)]);
  const body = Array.from({ length: kib * 4 }, () => subBlock);
  return Buffer.concat([Buffer.from([0x21, 0xfe]), ...body, Buffer.from([0])]);
}

async function rejectsNaming(path: string, problem: RegExp): Promise<void> {
  await assert.rejects(detectMediaKind(path), (error: unknown) => {
    assert.ok(error instanceof IngestError, String(error));
    assert.ok(error.message.includes(path), `names the path: ${error.message}`);
    assert.match(error.message, problem);
    return true;
  });
}

test('real fixtures: the 464-frame GIF and the MP4s are videos, the screenshot is an image', async () => {
  assert.equal(await detectMediaKind(ANIMATED_GIF), 'video');
  for (const mp4 of [
    'dog-in-basket-fireplace.mp4',
    'lazygit-nuke-working-tree.mp4',
    'silent-film-street-scene.mp4',
  ])
    assert.equal(await detectMediaKind(join(REAL, mp4)), 'video', mp4);
  assert.equal(await detectMediaKind(join(REAL, 'tabby-ssh-session.png')), 'image');
});

test('the animated GIF is told from the start of its file: its second frame, not all 464', async () => {
  const file = await MediaFile.open(ANIMATED_GIF);
  try {
    assert.equal(await gifIsAnimated(file), true);
    assert.ok(file.bytesRead < 64 << 10, `${file.bytesRead} of ${file.size} bytes read`);
  } finally {
    await file.close();
  }
});

test('GIF: one frame is an image, two frames a video (from sharp, and built by hand)', async () => {
  assert.equal(await detectMediaKind(write('one.gif', await encoded(1, 'gif'))), 'image');
  assert.equal(await detectMediaKind(write('two.gif', await encoded(2, 'gif'))), 'video');
  const one = Buffer.concat([GIF_HEADER, GIF_IMAGE, GIF_TRAILER]);
  const two = Buffer.concat([GIF_HEADER, GIF_IMAGE, gifComment(1), GIF_IMAGE, GIF_TRAILER]);
  assert.equal((await sharp(two, { animated: true }).metadata()).pages, 2, 'a valid GIF');
  assert.equal(await detectMediaKind(write('one-by-hand.gif', one)), 'image');
  assert.equal(await detectMediaKind(write('two-by-hand.gif', two)), 'video');
});

test('a GIF walk stops at the second image: what follows it is not read', async () => {
  const gif = [GIF_HEADER, GIF_IMAGE, GIF_IMAGE, gifComment(64), GIF_IMAGE, GIF_TRAILER];
  const file = await MediaFile.open(write('stops.gif', Buffer.concat(gif)));
  try {
    assert.equal(await gifIsAnimated(file), true);
    assert.ok(file.bytesRead <= 16 << 10, `${file.bytesRead} of ${file.size} bytes read`);
  } finally {
    await file.close();
  }
});

test('WebP: a still is an image; an animation (written by sharp, or converted from a GIF) is a video', async () => {
  assert.equal(await detectMediaKind(write('still.webp', await encoded(1, 'webp'))), 'image');
  assert.equal(await detectMediaKind(write('two.webp', await encoded(2, 'webp'))), 'video');
  const gif = await encoded(3, 'gif');
  const converted = await sharp(gif, { animated: true }).webp().toBuffer();
  assert.equal(await detectMediaKind(write('from-gif.webp', converted)), 'video');
  const lossless = await sharp(gif, { animated: true }).webp({ lossless: true }).toBuffer();
  assert.equal(await detectMediaKind(write('lossless.webp', lossless)), 'video');
});

test('WebP: the VP8X animation flag and the ANIM/ANMF chunks each mark an animation', async () => {
  const animated = await encoded(2, 'webp');
  const vp8x = animated.indexOf('VP8X', 12, 'latin1');
  assert.ok(animated[vp8x + 8]! & 0x02, 'sharp set the animation flag');
  const flagOnly = Buffer.from(animated.toString('latin1').replace(/AN(IM|MF)/g, 'XN$1'), 'latin1');
  assert.equal(await detectMediaKind(write('flag-only.webp', flagOnly)), 'video');
  const chunksOnly = Buffer.from(animated);
  chunksOnly[vp8x + 8] &= ~0x02;
  assert.equal(await detectMediaKind(write('chunks-only.webp', chunksOnly)), 'video');
  const neither = Buffer.from(flagOnly);
  neither[vp8x + 8] &= ~0x02;
  assert.equal(await detectMediaKind(write('neither.webp', neither)), 'image');
});

test('PNG: an APNG from ffmpeg is a video; acTL after the image data, or of one frame, is a still', async () => {
  const apng = join(dir, 'ffmpeg.apng');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=32x32:rate=2', '-frames:v', '3', '-f', 'apng', apng]);
  assert.ok(readFileSync(apng).includes('fdAT'), 'ffmpeg wrote an APNG');
  assert.equal(await detectMediaKind(apng), 'video');
  const still = await encoded(1, 'png');
  assert.equal(await detectMediaKind(write('still.png', still)), 'image');
  const announced = pngWith(still, acTL(2), 'before IDAT');
  assert.equal(await detectMediaKind(write('announced.png', announced)), 'video');
  const late = pngWith(still, acTL(2), 'before IEND');
  assert.equal(await detectMediaKind(write('late-actl.png', late)), 'image');
  const single = pngWith(still, acTL(1), 'before IDAT');
  assert.equal(await detectMediaKind(write('one-frame.apng', single)), 'image');
});

test('JPEG, TIFF and BMP are images', async () => {
  const { data, raw } = pages(1);
  for (const format of ['jpeg', 'tiff'] as const) {
    const bytes = await sharp(data, { raw })[format]().toBuffer();
    assert.equal(await detectMediaKind(write(`x.${format}`, bytes)), 'image', format);
  }
  const bmp = join(dir, 'x.bmp');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=32x32', '-frames:v', '1', bmp]);
  assert.equal(await detectMediaKind(bmp), 'image');
});

test('the content decides, not the name: an animated GIF named .png is a video, a PNG named .gif an image', async () => {
  const misnamedGif = join(dir, 'animation.png');
  copyFileSync(ANIMATED_GIF, misnamedGif);
  assert.equal(await detectMediaKind(misnamedGif), 'video');
  const misnamedPng = join(dir, 'still.gif');
  copyFileSync(join(REAL, 'tabby-ssh-session.png'), misnamedPng);
  assert.equal(await detectMediaKind(misnamedPng), 'image');
});

test('containers and unknown bytes are videos, for ffmpeg to judge', async () => {
  const webm = join(dir, 'clip.webm');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=32x32:rate=5', '-t', '1', '-c:v', 'libvpx', webm]);
  assert.equal(await detectMediaKind(webm), 'video');
  const avi = join(dir, 'clip.avi');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=32x32:rate=5', '-t', '1', '-c:v', 'mjpeg', avi]);
  assert.equal(await detectMediaKind(avi), 'video');
  assert.equal(await detectMediaKind(join(REAL, 'MANIFEST.tsv')), 'video');
  assert.equal(await detectMediaKind(write('tiny.bin', 'GIF')), 'video');
});

test('damaged GIFs: damage after the first frame is an image; no frame at all is an error', async () => {
  const cut = readFileSync(ANIMATED_GIF).subarray(0, 5000); // inside its first frame
  assert.equal(await detectMediaKind(write('cut.gif', cut)), 'image');
  const garbageAfter = Buffer.concat([GIF_HEADER, GIF_IMAGE, Buffer.from([0x99]), GIF_IMAGE]);
  assert.equal(await detectMediaKind(write('garbage-after.gif', garbageAfter)), 'image');
  const noFrame = write('no-frame.gif', Buffer.concat([GIF_HEADER, gifComment(1), GIF_TRAILER]));
  await rejectsNaming(noFrame, /GIF has no image frame \(it ends before its first image\)/);
  const garbage = write('garbage.gif', Buffer.concat([GIF_HEADER, Buffer.from([0x99])]));
  await rejectsNaming(garbage, /GIF has no image frame \(unknown block type 0x99 at byte 19\)/);
  const headerOnly = write('header-only.gif', GIF_HEADER.subarray(0, 8));
  await rejectsNaming(headerOnly, /GIF has no image frame \(the file ends inside a block/);
});

test('reads are capped: a first frame followed by more than the cap is taken as a still', async () => {
  const long = [GIF_HEADER, GIF_IMAGE, gifComment(64), GIF_IMAGE, GIF_TRAILER];
  const path = write('long-comment.gif', Buffer.concat(long));
  assert.equal(await detectMediaKind(path), 'video', 'under the default cap');
  const file = await MediaFile.open(path, 32 << 10);
  try {
    assert.equal(await gifIsAnimated(file), false);
    assert.ok(file.bytesRead <= 32 << 10, `${file.bytesRead} bytes read`);
  } finally {
    await file.close();
  }
});

test('missing, empty, a directory: errors that name the path and the problem', async () => {
  await rejectsNaming(join(dir, 'missing.mp4'), /file not found/);
  await rejectsNaming(write('empty.png', ''), /file is empty/);
  const folder = join(dir, 'folder.mp4');
  mkdirSync(folder);
  await rejectsNaming(folder, /is a directory/);
});

test('a FIFO is rejected at once, without waiting for a writer', async (t) => {
  const fifo = join(dir, 'pipe.gif');
  const made = spawnSync('mkfifo', [fifo]);
  if (made.error || made.status !== 0) return t.skip('mkfifo is not available here');
  // If the FIFO were opened for reading, that open would wait for a writer: fail instead
  // of hanging, then open the writing end so a stuck reader is released.
  const hung = new Promise<never>((_, reject) => {
    setTimeout(() => reject(new Error('detectMediaKind hung on a FIFO')), 2000).unref();
  });
  const started = Date.now();
  try {
    await assert.rejects(Promise.race([detectMediaKind(fifo), hung]), (error: unknown) => {
      assert.ok(error instanceof IngestError, String(error));
      assert.match(error.message, /pipe\.gif: is a named pipe \(FIFO\), not a regular file/);
      return true;
    });
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  } finally {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // ENXIO: nobody is reading it, as it should be
    }
  }
});
