import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadImage, loadImageBase64 } from '../../../engine/ingest/image';
import { IngestError } from '../../../engine/ingest/errors';
import { ffmpeg, tempDir } from './generate';

const dir = tempDir();
const REAL = `${__dirname}/../../fixtures/real`;

/** 40x20: left half red, right half blue, so orientation and channel order are visible. */
async function halves(): Promise<ReturnType<typeof sharp>> {
  const red = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#ff0000' } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 40, height: 20, channels: 3, background: '#0000ff' } }).composite(
    [{ input: red, left: 0, top: 0 }],
  );
}

function pixel(image: { data: Buffer; width: number }, x: number, y: number): number[] {
  const at = 3 * (y * image.width + x);
  return [...image.data.subarray(at, at + 3)];
}

function near(actual: number[], expected: number[], tolerance = 24): boolean {
  return actual.every((v, i) => Math.abs(v - expected[i]!) <= tolerance);
}

test('PNG, JPEG, WebP, GIF, TIFF and BMP decode to the same packed RGB picture', async () => {
  const base = await halves();
  const files: Record<string, Buffer> = {
    png: await base.clone().png().toBuffer(),
    jpeg: await base.clone().jpeg({ quality: 95 }).toBuffer(),
    webp: await base.clone().webp({ lossless: true }).toBuffer(),
    gif: await base.clone().gif().toBuffer(),
    tiff: await base.clone().tiff().toBuffer(),
  };
  for (const [format, bytes] of Object.entries(files))
    writeFileSync(join(dir, `halves.${format}`), bytes);
  ffmpeg(['-i', join(dir, 'halves.png'), '-pix_fmt', 'bgr24', join(dir, 'halves.bmp')]);
  for (const format of ['png', 'jpeg', 'webp', 'gif', 'tiff', 'bmp']) {
    const image = await loadImage(join(dir, `halves.${format}`));
    assert.equal(image.format, format === 'jpeg' ? 'jpeg' : format, format);
    assert.equal(image.width, 40, format);
    assert.equal(image.height, 20, format);
    assert.equal(image.data.length, 40 * 20 * 3, format);
    assert.ok(near(pixel(image, 5, 10), [255, 0, 0]), `${format} left ${pixel(image, 5, 10)}`);
    assert.ok(near(pixel(image, 35, 10), [0, 0, 255]), `${format} right ${pixel(image, 35, 10)}`);
  }
});

test('BMP from a Buffer goes through ffmpeg too', async () => {
  const image = await loadImage(readFileSync(join(dir, 'halves.bmp')));
  assert.equal(image.format, 'bmp');
  assert.ok(near(pixel(image, 5, 10), [255, 0, 0]));
});

test('EXIF orientation is applied: orientation 6 (rotate 90° clockwise) turns 40x20 into 20x40', async () => {
  const path = join(dir, 'rotated.jpg');
  await (await halves()).jpeg().withMetadata({ orientation: 6 }).toFile(path);
  const image = await loadImage(path);
  assert.equal(image.width, 20);
  assert.equal(image.height, 40);
  assert.ok(
    near(pixel(image, 10, 5), [255, 0, 0]),
    `top is the former left half: ${pixel(image, 10, 5)}`,
  );
});

test('alpha is flattened onto white', async () => {
  const transparent = await sharp({
    create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
  })
    .png()
    .toBuffer();
  const image = await loadImage(transparent);
  assert.deepEqual(pixel(image, 4, 4), [255, 255, 255]);
});

test('a pasted screenshot as base64, with or without a data: prefix', async () => {
  const png = readFileSync(`${REAL}/tabby-ssh-session.png`);
  const plain = await loadImageBase64(png.toString('base64'));
  assert.equal(plain.width, 2094);
  assert.equal(plain.height, 1528);
  const prefixed = await loadImageBase64(`data:image/png;base64,${png.toString('base64')}`);
  assert.equal(prefixed.data.length, 2094 * 1528 * 3);
  await assert.rejects(loadImageBase64('not base64 at all!'), /not valid base64/);
});

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

test('a decompression bomb (PNG header claiming 100000x100000) is rejected from its header', async () => {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(100_000, 0);
  header.writeUInt32BE(100_000, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const bomb = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(1000))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  const path = join(dir, 'bomb.png');
  writeFileSync(path, bomb);
  await assert.rejects(loadImage(path), (error: IngestError) => {
    assert.equal(error.code, 'too-many-pixels');
    assert.match(error.message, /bomb\.png: .*over the limit of 40000000/);
    return true;
  });
});

test('a BMP over the pixel limit is rejected before ffmpeg decodes it', async () => {
  await assert.rejects(
    loadImage(join(dir, 'halves.bmp'), { maxPixels: 100 }),
    /halves\.bmp: image is 40x20 = 800 pixels, over the limit of 100/,
  );
});

test('bad images: zero bytes, truncated, not an image, missing', async () => {
  const empty = join(dir, 'empty.png');
  writeFileSync(empty, '');
  await assert.rejects(loadImage(empty), {
    code: 'empty-file',
    message: `${empty}: file is empty (0 bytes)`,
  });
  await assert.rejects(loadImage(Buffer.alloc(0)), { code: 'empty-file' });
  const png = readFileSync(`${REAL}/tabby-ssh-session.png`);
  const truncated = join(dir, 'truncated.png');
  writeFileSync(truncated, png.subarray(0, png.length / 2));
  await assert.rejects(loadImage(truncated), (error: IngestError) => {
    assert.match(error.code, /truncated|corrupt/);
    assert.ok(error.message.startsWith(truncated));
    return true;
  });
  const text = join(dir, 'notes.png');
  writeFileSync(text, 'these are notes, not a picture\n');
  await assert.rejects(loadImage(text), { code: 'not-media' });
  await assert.rejects(loadImage(join(dir, 'missing.png')), { code: 'not-found' });
});
