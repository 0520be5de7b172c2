// The one input check every entry point runs (engine/session/validate.ts), on real files.
import { strict as assert } from 'node:assert';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { IngestError } from '../../../engine/ingest';
import { loadImage } from '../../../engine/ingest/image';
import {
  checkImagePixels,
  checkMediaFile,
  checkQuestion,
  openInputFile,
  SESSION_LIMITS,
} from '../../../engine/session';
import { pngHeader } from '../ingest/png-header';
import { tempDir } from '../stream/helpers';

const rejectsWith = (code: string, message: RegExp) => (error: unknown) =>
  error instanceof IngestError && error.code === code && message.test(error.message);

test('checkQuestion refuses an empty or over-long question and returns a good one', () => {
  assert.throws(() => checkQuestion('  \n'), /the question is empty/);
  const limit = SESSION_LIMITS.questionChars;
  assert.equal(checkQuestion('x'.repeat(limit)).length, limit);
  assert.throws(
    () => checkQuestion('x'.repeat(limit + 1)),
    new RegExp(`the question is ${limit + 1} characters long; the limit is ${limit}`),
  );
});

test('openInputFile reads a regular file through the handle it checked', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'clip.mp4');
  writeFileSync(file, 'twelve bytes');
  symlinkSync(file, join(dir, 'link.mp4'));
  const opened = await openInputFile(join(dir, 'link.mp4'));
  try {
    assert.equal(opened.realPath, file, 'the link is resolved');
    assert.equal(opened.size, 12);
    const head = Buffer.alloc(6);
    await opened.handle.read(head, 0, 6, 0);
    assert.equal(head.toString(), 'twelve');
  } finally {
    await opened.close();
  }
});

test('openInputFile names a dangling link, a device and a missing folder in the path', async (t) => {
  const dir = tempDir(t);
  symlinkSync(join(dir, 'gone.mp4'), join(dir, 'dangling.mp4'));
  await assert.rejects(
    openInputFile(join(dir, 'dangling.mp4')),
    rejectsWith('not-found', /dangling\.mp4: file not found/),
  );
  await assert.rejects(
    openInputFile('/dev/null'),
    rejectsWith('not-media', /\/dev\/null: is a device, not a regular file/),
  );
  writeFileSync(join(dir, 'file'), 'x');
  await assert.rejects(
    openInputFile(join(dir, 'file', 'clip.mp4')),
    rejectsWith('not-found', /file not found/),
  );
});

test('an image over the pixel limit is refused from its header, as a file and as bytes', async (t) => {
  const dir = tempDir(t);
  const bomb = pngHeader(16_000, 16_000);
  const path = join(dir, 'bomb.png');
  writeFileSync(path, bomb);
  const message = /image is 16000x16000 = 256000000 pixels, over the limit of 40000000/;
  await assert.rejects(checkImagePixels(bomb), rejectsWith('too-many-pixels', message));
  await assert.rejects(checkMediaFile(path), rejectsWith('too-many-pixels', message));
  // The decoders behind OCR and pasted or data-URL images check the same way first.
  await assert.rejects(loadImage(bomb), rejectsWith('too-many-pixels', message));
  await assert.rejects(loadImage(path), rejectsWith('too-many-pixels', message));
  // A small image declares what it holds and passes.
  await checkImagePixels(pngHeader(640, 480));
});
