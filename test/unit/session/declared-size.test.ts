// GIF and AVI files that ffmpeg reads as video are refused from the size their header
// declares, with the same pixel-limit message a still-image bomb gets (issue 19).
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { IngestError } from '../../../engine/ingest';
import { readVideoMetadata } from '../../../engine/ingest/decoder';
import { declaredSizes } from '../../../engine/ingest/image-header';
import { checkMediaFile } from '../../../engine/session';
import { ffmpeg, tempDir } from '../ingest/generate';

const dir = tempDir('vlm-declared-');
const HUGE = 65535;
const source = ['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=4:duration=2'];

function make(name: string, output: string[]): Buffer {
  const path = join(dir, name);
  ffmpeg([...source, ...output, path]);
  return readFileSync(path);
}

/** The corpus's GIF bomb: logical screen and first image descriptor claim 65535x65535. */
function gifBomb(gif: Buffer): Buffer {
  const out = Buffer.from(gif);
  out.writeUInt16LE(HUGE, 6);
  out.writeUInt16LE(HUGE, 8);
  const packed = out[10]!;
  let at = 13 + (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
  while (out[at] === 0x21) {
    at += 2;
    while (out[at] !== 0) at += out[at]! + 1;
    at += 1;
  }
  assert.equal(out[at], 0x2c);
  out.writeUInt16LE(HUGE, at + 5);
  out.writeUInt16LE(HUGE, at + 7);
  return out;
}

/** The corpus's MJPEG bomb: every JPEG SOF claims 65535x65535 (the avih header is left alone). */
function jpegBomb(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  for (let at = 0; at + 9 < out.length; at++) {
    if (out[at] !== 0xff || out[at + 1]! < 0xc0 || out[at + 1]! > 0xc2) continue;
    out.writeUInt16BE(HUGE, at + 5);
    out.writeUInt16BE(HUGE, at + 7);
  }
  return out;
}

const refused = (path: string) => (error: unknown) =>
  error instanceof IngestError &&
  error.code === 'too-many-pixels' &&
  error.message ===
    `${path}: image is 65535x65535 = 4294836225 pixels, over the limit of 40000000 pixels`;

test('the sizes a good animated GIF and MJPEG AVI declare are their real size', () => {
  const gif = make('good.gif', ['-f', 'gif']);
  const avi = make('good.avi', ['-c:v', 'mjpeg', '-q:v', '5']);
  assert.deepEqual(declaredSizes(gif), [
    { width: 64, height: 48 },
    { width: 64, height: 48 },
  ]);
  assert.deepEqual(declaredSizes(avi), [
    { width: 64, height: 48 },
    { width: 64, height: 48 },
  ]);
  assert.deepEqual(declaredSizes(Buffer.from('not media at all')), []);
});

test('checkMediaFile refuses an animated GIF and an MJPEG AVI declaring 65535x65535', async () => {
  const gif = join(dir, 'bomb.gif');
  writeFileSync(gif, gifBomb(make('a.gif', ['-f', 'gif'])));
  await assert.rejects(checkMediaFile(gif), refused(gif));
  const avi = join(dir, 'bomb.avi');
  writeFileSync(avi, jpegBomb(make('v.avi', ['-c:v', 'mjpeg', '-q:v', '5'])));
  await assert.rejects(checkMediaFile(avi), refused(avi));
  // The same files with their real size pass.
  await checkMediaFile(join(dir, 'a.gif'));
  await checkMediaFile(join(dir, 'v.avi'));
});

test('an AVI whose main header alone declares 65535x65535 is refused', async () => {
  const bytes = make('h.avi', ['-c:v', 'mjpeg', '-q:v', '5']);
  const avih = bytes.indexOf('avih', 12, 'latin1');
  bytes.writeUInt32LE(HUGE, avih + 8 + 32);
  bytes.writeUInt32LE(HUGE, avih + 8 + 36);
  const path = join(dir, 'header-bomb.avi');
  writeFileSync(path, bytes);
  await assert.rejects(checkMediaFile(path), refused(path));
});

test('readVideoMetadata (the language server describes media with it) refuses the same bombs', async () => {
  const gif = join(dir, 'bomb.gif');
  await assert.rejects(readVideoMetadata(gif), refused(gif));
  const good = await readVideoMetadata(join(dir, 'a.gif'));
  assert.equal(good.width, 64);
});
