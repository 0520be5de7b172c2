import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { resolveFfmpeg } from '../../../engine/ingest/ffmpeg-path';
import { extractKeyframes } from '../../../engine/remote/video-keyframes';

test('extractKeyframes gives one downscaled still per time, and names a time past the end', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlm-keyframes-'));
  try {
    const video = join(dir, 'clip.mp4');
    // Red for the first second, then blue: the stills must follow the times asked for.
    execFileSync(resolveFfmpeg().path, [
      ...[
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        'color=c=red:s=640x360:r=10:d=1',
      ],
      ...['-f', 'lavfi', '-i', 'color=c=blue:s=640x360:r=10:d=1'],
      ...['-filter_complex', '[0][1]concat=n=2:v=1', '-pix_fmt', 'yuv420p', video],
    ]);
    const frames = await extractKeyframes(video, [0.2, 1.5], {
      maxSide: 320,
      texts: ['a', undefined],
    });
    assert.deepEqual(
      frames.map((f) => [f.timeSec, f.text]),
      [
        [0.2, 'a'],
        [1.5, undefined],
      ],
    );
    const colours = [];
    for (const frame of frames) {
      assert.ok(frame.image && typeof frame.image !== 'string' && frame.image.kind === 'encoded');
      const { data, info } = await sharp(frame.image.bytes)
        .raw()
        .toBuffer({ resolveWithObject: true });
      assert.deepEqual([info.width, info.height], [320, 180]);
      colours.push(data[0] > data[2] ? 'red' : 'blue');
    }
    assert.deepEqual(colours, ['red', 'blue']);
    await assert.rejects(extractKeyframes(video, [30]), /no frame in .*clip\.mp4 at 30 s/);
    await assert.rejects(
      extractKeyframes(join(dir, 'missing.mp4'), [0]),
      /cannot read a frame of .*missing\.mp4 at 0 s/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
