// Decoder failures read as a plain problem, with libvips' or ffmpeg's words as the detail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  decoderDetail,
  imageDecodeError,
  videoDecodeProblem,
} from '../../../engine/ingest/decoder-message';
import { classifyFailure } from '../../../engine/ingest/ffmpeg-failure';
import { loadImage } from '../../../engine/ingest/image';
import { readImageFrame } from '../../../engine/stream/image-source';
import { IngestError } from '../../../engine/ingest/errors';
import { tempDir } from './generate';

const dir = tempDir();

test('decoderDetail drops the wrappers and collapses multi-line vips messages', () => {
  assert.equal(decoderDetail('vipspng: libpng read error'), 'libpng read error');
  assert.equal(
    decoderDetail('Input file has corrupt header: webp: unable to parse image'),
    'unable to parse image',
  );
  assert.equal(decoderDetail('gifload: Invalid frame data'), 'Invalid frame data');
  assert.equal(
    decoderDetail(
      'Input file has corrupt header: VipsJpeg: premature end of JPEG image\nVipsJpeg: JPEG datastream contains no image\nVipsJpeg: premature end of JPEG image',
    ),
    'premature end of JPEG image',
  );
  assert.equal(decoderDetail('Input file has corrupt header:'), '');
  assert.equal(decoderDetail('file:/t/x.webm: Invalid argument'), 'Invalid argument');
});

test('imageDecodeError says the image is damaged, with the detail in brackets', () => {
  const png = imageDecodeError('X.png', new Error('vipspng: libpng read error'));
  assert.equal(png.message, 'X.png: the image is damaged or cut short (libpng read error)');
  const jpg = imageDecodeError(
    'X.jpg',
    new Error('Input file has corrupt header: VipsJpeg: premature end of JPEG image\nVipsJpeg: x'),
  );
  assert.equal(
    jpg.message,
    'X.jpg: the image is damaged or cut short (premature end of JPEG image)',
  );
  assert.equal(jpg.code, 'truncated');
  const bare = imageDecodeError('X.png', new Error('Input file has corrupt header:'));
  assert.equal(bare.message, 'X.png: the image is damaged or cut short');
});

test('ffmpeg failing on a local file says the video is damaged', () => {
  assert.equal(
    videoDecodeProblem('file:/t/X.webm: Invalid argument'),
    'the video is damaged: ffmpeg cannot read it (Invalid argument)',
  );
  const error = classifyFailure('/t/X.webm', ['file:/t/X.webm: Invalid argument'], '/t/X.webm');
  assert.equal(
    error.message,
    '/t/X.webm: the video is damaged: ffmpeg cannot read it (Invalid argument)',
  );
  // A URL keeps the ffmpeg wording: there is no file to call damaged.
  assert.match(classifyFailure('rtsp://h/s', ['boom: Invalid argument']).message, /ffmpeg failed/);
});

test('a cut PNG and a cut JPEG read as damaged images through both image paths', async () => {
  const base = sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } });
  const png = await base.clone().png().toBuffer();
  const jpg = await base.clone().jpeg().toBuffer();
  const cutPng = join(dir, 'cut.png');
  const cutJpg = join(dir, 'cut.jpg');
  writeFileSync(cutPng, png.subarray(0, Math.floor(png.length * 0.6)));
  writeFileSync(cutJpg, jpg.subarray(0, Math.floor(jpg.length * 0.5)));
  for (const path of [cutPng, cutJpg]) {
    for (const load of [loadImage, readImageFrame]) {
      await assert.rejects(load(path), (error: unknown) => {
        assert.ok(error instanceof IngestError, String(error));
        assert.match(error.message, /^.*: the image is damaged or cut short/);
        assert.doesNotMatch(error.message, /vips|VipsJpeg|corrupt header|\n/);
        return true;
      });
    }
  }
});

test("ffmpeg's file:PATH: prefix is not repeated after the file's name", () => {
  const path = join(dir, 'w.webm');
  writeFileSync(path, Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(64, 7)]));
  const error = classifyFailure(path, [`file:${path}: End of file`], path);
  assert.equal(error.message, `${path}: file is truncated (ffmpeg: End of file)`);
});
