// Bad input media through the real HTTP endpoint and the engine session: a 4xx naming the
// message part and the problem, never a 500, and data URLs named as data URLs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHttpServer } from '../../../engine/openai/server';
import { SessionChatBackend } from '../../../engine/openai/session-backend';
import type { LocalModelBackend } from '../../../engine/openai/local-backend';
import { EngineSession } from '../../../engine/session';
import { pngDataUrl } from './scripted-backend';

interface WireErrorBody {
  error: { message: string; type: string; code: string; param: string | null };
}

async function withSessionServer(body: (url: string, dir: string) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'vlm-openai-bad-'));
  const session = new EngineSession();
  // The chat backend is only for requests without one image or video; none here reach it.
  const chat = { listModels: async () => ['local-1'] } as unknown as LocalModelBackend;
  const server = await startHttpServer({
    port: 0,
    backend: new SessionChatBackend(session, chat),
    allowFileUrls: true,
    fileRoots: [dir],
  });
  try {
    await body(server.url, dir);
  } finally {
    await server.close();
    await session.dispose();
  }
}

const ask = (url: string, imageUrl: string, question = 'What is on screen?') =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: question },
            { type: 'image_url', image_url: { url: imageUrl } },
          ],
        },
      ],
    }),
  });

async function expectInputError(
  response: Response,
  status: number,
  message: RegExp,
): Promise<WireErrorBody['error']> {
  const body = (await response.json()) as WireErrorBody;
  assert.equal(response.status, status, body.error.message);
  assert.equal(body.error.type, 'invalid_request_error');
  assert.equal(body.error.param, 'messages[0].content[1].image_url');
  assert.match(body.error.message, message);
  assert.doesNotMatch(body.error.message, /generation failed|vlm-http-[0-9a-f]/);
  return body.error;
}

test('a file URL naming an empty image is a 400 naming the part and the problem', async () => {
  await withSessionServer(async (url, dir) => {
    const empty = join(dir, 'empty.png');
    writeFileSync(empty, '');
    await expectInputError(
      await ask(url, pathToFileURL(empty).href),
      400,
      /^messages\[0\]\.content\[1\]\.image_url: .*empty\.png: file is empty \(0 bytes\)/,
    );
  });
});

test('a FIFO, a directory named like media and a symlink loop each say what they are', async () => {
  await withSessionServer(async (url, dir) => {
    const fifo = join(dir, 'pipe.png');
    execFileSync('mkfifo', [fifo]);
    await expectInputError(
      await ask(url, pathToFileURL(fifo).href),
      400,
      /pipe\.png: is a named pipe \(FIFO\), not a regular file/,
    );
    const folder = join(dir, 'folder.mp4');
    mkdirSync(folder);
    await expectInputError(
      await ask(url, pathToFileURL(folder).href),
      400,
      /folder\.mp4: is a directory/,
    );
    symlinkSync(join(dir, 'loop-b.png'), join(dir, 'loop-a.png'));
    symlinkSync(join(dir, 'loop-a.png'), join(dir, 'loop-b.png'));
    await expectInputError(
      await ask(url, pathToFileURL(join(dir, 'loop-a.png')).href),
      400,
      /loop-a\.png: .*symbolic link loop/,
    );
    const missing = await ask(url, pathToFileURL(join(dir, 'missing.png')).href);
    assert.equal(missing.status, 400);
    assert.match(
      ((await missing.json()) as WireErrorBody).error.message,
      /missing\.png: file not found/,
    );
  });
});

test('a data URL that is not an image is named as the data URL, not its temporary file', async () => {
  await withSessionServer(async (url) => {
    const bytes = Buffer.from('this is plain text, not a picture at all\n');
    const error = await expectInputError(
      await ask(url, `data:image/png;base64,${bytes.toString('base64')}`),
      400,
      new RegExp(
        `^messages\\[0\\]\\.content\\[1\\]\\.image_url \\(data: URL, ${bytes.length} bytes\\): `,
      ),
    );
    assert.doesNotMatch(error.message, /\/tmp|vlm-http/);
  });
});

test('a data URL whose header declares too many pixels is refused before it is written', async () => {
  await withSessionServer(async (url) => {
    const error = await expectInputError(
      await ask(
        url,
        `data:image/png;base64,${(await pngClaiming(65535, 65535)).toString('base64')}`,
      ),
      413,
      /^messages\[0\]\.content\[1\]\.image_url \(data: URL, \d+ bytes\): .*65535/,
    );
    assert.equal(error.code, 'input_too_large');
  });
});

test('a question over the engine limit is a 400 naming the message content and the limit', async () => {
  await withSessionServer(async (url) => {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'y'.repeat(30000) }] }),
    });
    const body = (await response.json()) as WireErrorBody;
    assert.equal(response.status, 400);
    assert.equal(body.error.param, 'messages[0].content');
    assert.match(body.error.message, /30000 characters.*limit is 8000/);
    // The same in a part list next to an image.
    const withImage = await ask(url, await pngDataUrl(8, 8), 'y'.repeat(9000));
    assert.equal(withImage.status, 400);
    assert.equal(((await withImage.json()) as WireErrorBody).error.param, 'messages[0].content');
  });
});

/** A small real PNG whose IHDR declares `width` x `height` (a decompression bomb's header). */
async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from((await pngDataUrl(8, 8)).split(',')[1], 'base64');
  // Signature (8), IHDR length (4) and type (4), then width and height; CRC over type + data.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return ~crc >>> 0;
}
