// Real ffmpeg frame extraction on a fixture video, and the remote socket handshake against
// a real TCP server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { extractFrame, findFfmpeg } from '../../../client/frames/ffmpeg';
import { connectRemote } from '../../../client/connection/remote';

const video = 'test/fixtures/real/lazygit-nuke-working-tree.mp4';

test('extracts a JPEG thumbnail of the requested width at a timestamp', async () => {
  const jpeg = await extractFrame({ ffmpeg: findFfmpeg(''), video, timeSec: 2.4, width: 192 });
  assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8], 'JPEG magic');
  // SOF0 marker holds the height then the width.
  const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  assert.ok(sof > 0);
  assert.equal(jpeg.readUInt16BE(sof + 7), 192);
});

test('a missing video gives an error that names the file', async () => {
  await assert.rejects(
    extractFrame({ ffmpeg: findFfmpeg(''), video: '/nonexistent/clip.mp4', timeSec: 1 }),
    /cannot extract the frame at 1\.00 s of \/nonexistent\/clip\.mp4/,
  );
});

test('the vlm.ffmpegPath setting wins over everything else', () => {
  assert.equal(findFfmpeg('/opt/ffmpeg', { FFMPEG_PATH: '/x' }), '/opt/ffmpeg');
  assert.equal(findFfmpeg('', { FFMPEG_PATH: '/x' }), '/x');
});

test('the remote connection sends the token line first', async () => {
  const received = new Promise<string>((resolve) => {
    const server = createServer((socket) => {
      socket.once('data', (data) => {
        resolve(data.toString());
        socket.destroy();
        server.close();
      });
    });
    server.listen(0, '127.0.0.1', async () => {
      const { port } = server.address() as AddressInfo;
      const { writer } = await connectRemote({ host: '127.0.0.1', port, token: 's3cret' });
      writer.on('error', () => {});
    });
  });
  assert.equal(await received, 's3cret\n');
});

test('an empty token and an unreachable server are refused with clear messages', async () => {
  await assert.rejects(
    connectRemote({ host: '127.0.0.1', port: 1, token: '' }),
    /no server token is set; run "VLM: Set Server Token…"/,
  );
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  await assert.rejects(
    connectRemote({ host: '127.0.0.1', port, token: 't' }),
    new RegExp(`cannot reach the VLM server at 127\\.0\\.0\\.1:${port}`),
  );
});
