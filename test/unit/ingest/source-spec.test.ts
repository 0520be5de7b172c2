import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSourceSpec } from '../../../engine/ingest/source-spec';

test('one line of text names any source', () => {
  assert.deepEqual(parseSourceSpec('clips/bug.mp4'), { kind: 'file', path: 'clips/bug.mp4' });
  assert.deepEqual(parseSourceSpec('file:///tmp/a%20b.mkv'), {
    kind: 'file',
    path: '/tmp/a b.mkv',
  });
  assert.deepEqual(parseSourceSpec('growing:/rec/now.mkv'), {
    kind: 'growing-file',
    path: '/rec/now.mkv',
  });
  assert.deepEqual(parseSourceSpec('shots/%04d.png@5'), {
    kind: 'image-sequence',
    pattern: 'shots/%04d.png',
    framerate: 5,
  });
  assert.deepEqual(parseSourceSpec('screen'), { kind: 'screen' });
  assert.deepEqual(parseSourceSpec('screen::1'), { kind: 'screen', display: ':1' });
  assert.deepEqual(parseSourceSpec('screen::0.0+100,200@640x480'), {
    kind: 'screen',
    display: ':0.0',
    region: { x: 100, y: 200, width: 640, height: 480 },
  });
  assert.deepEqual(parseSourceSpec('camera'), { kind: 'camera' });
  assert.deepEqual(parseSourceSpec('camera:/dev/video2'), {
    kind: 'camera',
    device: '/dev/video2',
  });
  assert.deepEqual(parseSourceSpec('rtsp://10.0.0.5/stream'), {
    kind: 'url',
    url: 'rtsp://10.0.0.5/stream',
  });
  assert.deepEqual(parseSourceSpec('https://host/live.m3u8'), {
    kind: 'url',
    url: 'https://host/live.m3u8',
  });
  assert.throws(() => parseSourceSpec('  '), /no source given/);
});
