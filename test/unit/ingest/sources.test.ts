// Sources other than a finished file: a growing recording, HTTP (with reconnects and
// backpressure), and the screen (x11grab under Xvfb when it is installed).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openSync, readFileSync, writeSync, closeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeFrames } from '../../../engine/ingest/decoder';
import { IngestError } from '../../../engine/ingest/errors';
import { decodeArgs } from '../../../engine/ingest/ffmpeg-args';
import type { DecodedFrame } from '../../../engine/ingest/types';
import { ffmpeg, makeScreenRecording, makeTestVideo, tempDir } from './generate';

const dir = tempDir();
const recording = makeScreenRecording(dir, { container: 'mkv', frameCount: 60 });

async function collect(
  frames: AsyncIterable<DecodedFrame>,
  perFrame?: () => Promise<void>,
): Promise<DecodedFrame[]> {
  const out: DecodedFrame[] = [];
  for await (const frame of frames) {
    out.push(frame);
    await perFrame?.();
  }
  return out;
}

test('growing file: frames flow while a concurrent writer appends, and the stream ends once it stops', async () => {
  const bytes = readFileSync((await recording).path);
  const path = join(dir, 'growing.mkv');
  const fd = openSync(path, 'w');
  let writerDone = false;
  const writer = (async () => {
    const pieces = 12;
    for (let i = 0; i < pieces; i++) {
      writeSync(
        fd,
        bytes.subarray(
          Math.floor((i * bytes.length) / pieces),
          Math.floor(((i + 1) * bytes.length) / pieces),
        ),
      );
      await sleep(120);
    }
    closeSync(fd);
    writerDone = true;
  })();
  let framesWhileWriting = 0;
  const frames = await collect(
    decodeFrames({ kind: 'growing-file', path, idleMs: 600, pollMs: 30 }),
    async () => {
      if (!writerDone) framesWhileWriting++;
    },
  );
  await writer;
  assert.equal(frames.length, 60);
  assert.deepEqual(
    frames.map((f) => f.timeSec),
    Array.from({ length: 60 }, (_, k) => k / 10),
  );
  assert.ok(
    framesWhileWriting > 0,
    'no frame arrived before the writer finished: the file was not followed',
  );
});

test('growing file that never appears: a clear error', async () => {
  const path = join(dir, 'never.mkv');
  await assert.rejects(
    collect(decodeFrames({ kind: 'growing-file', path, idleMs: 200 })),
    (error: IngestError) => {
      assert.equal(error.code, 'not-found');
      assert.ok(error.message.startsWith(path));
      return true;
    },
  );
});

/** Serves the recording; `failFirst` requests get a 503 first. */
async function serve(
  failFirst = 0,
): Promise<{ server: Server; url: string; requests: () => number }> {
  const bytes = readFileSync((await recording).path);
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    if (requests <= failFirst) {
      res.writeHead(503).end('busy');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'video/x-matroska', 'content-length': bytes.length })
      .end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  after(() => server.close());
  return { server, url: `http://127.0.0.1:${port}/screen.mkv`, requests: () => requests };
}

test('http source: every frame with its time when the consumer keeps up', async () => {
  const { url } = await serve();
  const frames = await collect(decodeFrames({ kind: 'url', url }, { liveQueueSize: 1000 }));
  assert.equal(frames.length, 60);
  assert.equal(frames[59]!.timeSec, 5.9);
});

test('HLS playlist over http: segments are followed, frames keep their times', async () => {
  const hlsDir = tempDir();
  ffmpeg([
    '-i',
    (await recording).path,
    '-c',
    'copy',
    '-f',
    'hls',
    '-hls_time',
    '2',
    '-hls_list_size',
    '0',
    join(hlsDir, 'live.m3u8'),
  ]);
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').slice(1);
    if (!/^[\w.-]+$/.test(name) || !existsSync(join(hlsDir, name)))
      return void res.writeHead(404).end();
    res.writeHead(200).end(readFileSync(join(hlsDir, name)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/live.m3u8`;
  const frames = await collect(decodeFrames({ kind: 'url', url }, { liveQueueSize: 1000, fps: 2 }));
  assert.deepEqual(
    frames.map((f) => f.timeSec),
    Array.from({ length: 12 }, (_, k) => k / 2),
  );
});

test('http source that fails at first: reconnects with backoff, then delivers', async () => {
  const { url, requests } = await serve(2);
  const stream = decodeFrames(
    { kind: 'url', url },
    { liveQueueSize: 1000, reconnect: { initialDelayMs: 20, attempts: 4 } },
  );
  const frames = await collect(stream);
  assert.equal(requests(), 3);
  assert.equal(stream.stats.reconnects, 2);
  assert.equal(frames.length, 60);
});

test('http source cut mid-stream: reconnects, and time keeps moving forward', async () => {
  // A busy test pattern, so the first 70% of the bytes hold many frames.
  const bytes = readFileSync(
    makeTestVideo(join(dir, 'pattern.mkv'), { seconds: 6, fps: 10, size: '320x240' }),
  );
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-length': bytes.length });
    if (requests > 1) return void res.end(bytes);
    res.write(bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    setTimeout(() => res.socket?.destroy(), 100);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cut.mkv`;
  const stream = decodeFrames(
    { kind: 'url', url },
    { liveQueueSize: 1000, reconnect: { initialDelayMs: 20 } },
  );
  const frames = await collect(stream);
  assert.equal(stream.stats.reconnects, 1);
  assert.ok(frames.length > 60 && frames.length < 120, `${frames.length} frames`);
  for (let i = 1; i < frames.length; i++)
    assert.ok(frames[i]!.timeSec > frames[i - 1]!.timeSec, `time went back at ${i}`);
});

test('unavailable source: a clear error after the last attempt', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve)); // nothing listens there now
  const url = `http://127.0.0.1:${port}/live.mkv`;
  const stream = decodeFrames(
    { kind: 'url', url },
    { reconnect: { initialDelayMs: 10, attempts: 3 } },
  );
  await assert.rejects(collect(stream), (error: IngestError) => {
    assert.equal(error.code, 'unavailable');
    assert.match(
      error.message,
      new RegExp(`^${url}: unavailable after 3 attempts: .*Connection refused`),
    );
    return true;
  });
  assert.equal(stream.stats.reconnects, 2);
});

test('backpressure: a slow consumer of a live source gets the latest frames, drops are counted', async () => {
  const { url } = await serve();
  const stream = decodeFrames({ kind: 'url', url }, { liveQueueSize: 2 });
  const frames = await collect(stream, () => sleep(25));
  const { framesDropped, framesDelivered } = stream.stats;
  assert.ok(framesDropped > 0, 'nothing was dropped');
  assert.equal(framesDelivered, frames.length);
  assert.equal(framesDelivered + framesDropped, 60);
  assert.equal(
    frames.reduce((sum, f) => sum + f.droppedBefore, 0),
    framesDropped,
  );
  assert.equal(frames.at(-1)!.timeSec, 5.9, 'latest wins: the last frame is never dropped');
  for (let i = 1; i < frames.length; i++) assert.ok(frames[i]!.timeSec > frames[i - 1]!.timeSec);
});

test('screen and camera arguments per platform', () => {
  const region = { x: 10, y: 20, width: 640, height: 480 };
  const linux = decodeArgs({ kind: 'screen', display: ':1', region, framerate: 2 }, {}, 'linux');
  assert.deepEqual(linux.slice(linux.indexOf('-f'), linux.indexOf('-i') + 2), [
    '-f',
    'x11grab',
    '-framerate',
    '2',
    '-draw_mouse',
    '1',
    '-video_size',
    '640x480',
    '-i',
    ':1+10,20',
  ]);
  const windows = decodeArgs({ kind: 'screen', region }, {}, 'win32');
  assert.ok(
    windows
      .join(' ')
      .includes(
        '-f gdigrab -framerate 5 -draw_mouse 1 -offset_x 10 -offset_y 20 -video_size 640x480 -i desktop',
      ),
  );
  const mac = decodeArgs({ kind: 'screen', region, showCursor: false }, {}, 'darwin');
  assert.ok(mac.join(' ').includes('-f avfoundation -framerate 5 -capture_cursor 0 -i 1:none'));
  assert.ok(mac[mac.indexOf('-vf') + 1]!.startsWith('crop=640:480:10:20,'));
  assert.ok(
    decodeArgs({ kind: 'camera', device: '/dev/video2', width: 1280, height: 720 }, {}, 'linux')
      .join(' ')
      .includes('-f v4l2 -video_size 1280x720 -i /dev/video2'),
  );
  assert.ok(
    decodeArgs({ kind: 'camera', device: 'Integrated Camera' }, {}, 'win32')
      .join(' ')
      .includes('-f dshow -i video=Integrated Camera'),
  );
  assert.ok(
    decodeArgs({ kind: 'camera' }, {}, 'darwin').join(' ').includes('-f avfoundation -i 0:none'),
  );
  assert.ok(
    decodeArgs({ kind: 'url', url: 'rtsp://cam/stream' }, {})
      .join(' ')
      .includes('-rtsp_transport tcp -stimeout 10000000 -i rtsp://cam/stream'),
  );
});

test('screen capture with no X display: a clear "unavailable" error naming the display', async () => {
  const stream = decodeFrames(
    { kind: 'screen', display: ':87' },
    { reconnect: { initialDelayMs: 10, attempts: 2 } },
  );
  await assert.rejects(collect(stream), (error: IngestError) => {
    assert.equal(error.code, 'unavailable');
    assert.match(error.message, /^screen :87: no X server on display :87/);
    return true;
  });
});

test('camera that does not exist: a clear error naming the device', async () => {
  const stream = decodeFrames(
    { kind: 'camera', device: '/dev/video-missing' },
    { reconnect: { initialDelayMs: 10, attempts: 1 } },
  );
  await assert.rejects(
    collect(stream),
    /^IngestError: camera \/dev\/video-missing: unavailable after 1 attempts/,
  );
});

const xvfb = ['/usr/bin/Xvfb', '/usr/local/bin/Xvfb'].find((p) => existsSync(p));

test(
  'screen capture under Xvfb: frames of the display size at the capture rate',
  { skip: !xvfb && 'Xvfb is not installed (apt-get install xvfb)' },
  async () => {
    const display = ':93';
    const server = spawn(xvfb!, [display, '-screen', '0', '320x240x24', '-nolisten', 'tcp'], {
      stdio: 'ignore',
    });
    try {
      for (let i = 0; i < 50 && !existsSync('/tmp/.X11-unix/X93'); i++) await sleep(50);
      const controller = new AbortController();
      const frames: DecodedFrame[] = [];
      const stream = decodeFrames(
        { kind: 'screen', display, framerate: 10 },
        { signal: controller.signal, reconnect: { attempts: 1 } },
      );
      await assert.rejects(
        async () => {
          for await (const frame of stream) {
            frames.push(frame);
            if (frames.length === 3) controller.abort();
          }
        },
        { name: 'AbortError' },
      );
      assert.equal(frames.length, 3);
      assert.deepEqual([frames[0]!.width, frames[0]!.height], [320, 240]);
      assert.ok(frames[2]!.timeSec > frames[1]!.timeSec && frames[1]!.timeSec > frames[0]!.timeSec);
      assert.equal(
        spawnSync('kill', ['-0', String(stream.pid)]).status !== 0,
        true,
        'ffmpeg still running',
      );
    } finally {
      server.kill();
      await new Promise((resolve) => server.once('exit', resolve));
    }
  },
);
