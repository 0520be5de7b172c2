import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FfmpegChoiceError,
  FfmpegNotFoundError,
  resolveFfmpeg,
} from '../../../engine/ingest/ffmpeg-path';

function fakeBinary(name: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'vlm-ffmpeg-')), name);
  writeFileSync(path, '#!/bin/sh\necho ffmpeg version fake\n');
  chmodSync(path, 0o755);
  return path;
}

test('the setting wins over FFMPEG_PATH and packages', () => {
  const setting = fakeBinary('from-setting');
  const env = fakeBinary('from-env');
  const found = resolveFfmpeg(setting, { FFMPEG_PATH: env, PATH: '' });
  assert.equal(found.path, setting);
  assert.match(found.source, /setting/);
});

test('FFMPEG_PATH comes second', () => {
  const env = fakeBinary('from-env');
  const found = resolveFfmpeg(undefined, { FFMPEG_PATH: env, PATH: '' });
  assert.equal(found.path, env);
  assert.match(found.source, /FFMPEG_PATH/);
});

test('without setting or variable, the npm-shipped binary is found', () => {
  const found = resolveFfmpeg(undefined, { PATH: '' });
  assert.match(found.source, /@ffmpeg-installer\/ffmpeg|ffmpeg-static/);
});

test('a setting or FFMPEG_PATH that is not an executable file fails, naming it', () => {
  const folder = mkdtempSync(join(tmpdir(), 'vlm-ffmpeg-'));
  const notExecutable = join(folder, 'ffmpeg.txt');
  writeFileSync(notExecutable, 'not a program');
  // A folder has the execute bit, so it must be told apart from a program.
  for (const path of ['/nonexistent/ffmpeg', notExecutable, folder]) {
    assert.throws(
      () => resolveFfmpeg(undefined, { FFMPEG_PATH: path, PATH: '' }),
      (error: Error) =>
        error instanceof FfmpegChoiceError &&
        error.message.startsWith(`FFMPEG_PATH=${path}: not an executable file`),
    );
    assert.throws(
      () => resolveFfmpeg(path, { PATH: '' }),
      (error: Error) => error.message.startsWith(`vlm.ffmpegPath=${path}: not an executable file`),
    );
  }
});

test('the bundled ffmpeg is used only when neither the setting nor FFMPEG_PATH is set', () => {
  const found = resolveFfmpeg('', { FFMPEG_PATH: '', PATH: '' });
  assert.match(found.source, /@ffmpeg-installer\/ffmpeg|ffmpeg-static/);
});

test('the error names every place tried', () => {
  const error = new FfmpegNotFoundError(['setting vlm.ffmpegPath: x', 'ffmpeg on PATH: y']);
  assert.match(error.message, /vlm\.ffmpegPath[\s\S]*PATH/);
});
