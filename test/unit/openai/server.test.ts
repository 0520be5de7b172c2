import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHttpServer, type HttpServerOptions } from '../../../engine/openai/server';
import { parseSseData } from '../../../engine/openai/sse';
import { pngDataUrl, ScriptedBackend } from './scripted-backend';

async function withServer(
  options: Partial<HttpServerOptions>,
  body: (url: string, backend: ScriptedBackend) => Promise<void>,
) {
  const backend = (options.backend as ScriptedBackend) ?? new ScriptedBackend();
  const server = await startHttpServer({ port: 0, ...options, backend });
  try {
    await body(server.url, backend);
  } finally {
    await server.close();
  }
}

const chat = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const hello = { model: 'scripted-1', messages: [{ role: 'user', content: 'hi' }] };

async function sseEvents(response: Response): Promise<unknown[]> {
  const events: unknown[] = [];
  for await (const data of parseSseData(response.body!))
    events.push(data === '[DONE]' ? data : JSON.parse(data));
  return events;
}

test('GET /v1/models lists the backend models in OpenAI shape', async () => {
  await withServer({}, async (url) => {
    const response = await fetch(`${url}/v1/models`);
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.object, 'list');
    assert.deepEqual(
      body.data.map((m: { id: string; object: string }) => [m.id, m.object]),
      [
        ['scripted-1', 'model'],
        ['scripted-2', 'model'],
      ],
    );
  });
});

test('a non-streaming completion returns the whole answer, finish reason and usage', async () => {
  await withServer({}, async (url) => {
    const response = await chat(url, hello);
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.model, 'scripted-1');
    assert.equal(body.choices[0].message.content, 'Hello from the scripted backend.');
    assert.equal(body.choices[0].finish_reason, 'stop');
    assert.deepEqual(body.usage, { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 });
  });
});

test('a streaming completion sends chat.completion.chunk events and ends with [DONE]', async () => {
  await withServer({}, async (url) => {
    const response = await chat(url, { ...hello, stream: true, max_tokens: 3 });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const events = await sseEvents(response);
    assert.equal(events.at(-1), '[DONE]');
    const chunks = events.slice(0, -1) as {
      object: string;
      id: string;
      choices: { delta: { role?: string; content?: string }; finish_reason: string | null }[];
    }[];
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0].id));
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    const text = chunks.map((c) => c.choices[0].delta.content ?? '').join('');
    assert.equal(text, 'Hello from the');
    assert.equal(chunks.at(-1)!.choices[0].finish_reason, 'length');
  });
});

test('image_url data URLs reach the backend decoded', async () => {
  await withServer({}, async (url, backend) => {
    const image = await pngDataUrl(40, 30);
    const response = await chat(url, {
      model: 'scripted-2',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: image } },
          ],
        },
      ],
    });
    assert.equal(response.status, 200);
    assert.deepEqual(backend.images, [{ width: 40, height: 30, format: 'png' }]);
    assert.equal(backend.requests[0].model, 'scripted-2');
  });
});

test('file URLs are refused unless allowed, and then only under the allowed folders', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlm-openai-'));
  const png = Buffer.from((await pngDataUrl(8, 8)).split(',')[1], 'base64');
  writeFileSync(join(dir, 'shot.png'), png);
  const withFile = (fileUrl: string) => ({
    model: 'scripted-1',
    messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: fileUrl } }] }],
  });
  const inside = pathToFileURL(join(dir, 'shot.png')).href;
  await withServer({}, async (url) => {
    const response = await chat(url, withFile(inside));
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.error.code, 'file_urls_disabled');
    assert.equal(body.error.param, 'messages[0].content[0].image_url.url');
  });
  await withServer({ allowFileUrls: true, fileRoots: [dir] }, async (url, backend) => {
    assert.equal((await chat(url, withFile(inside))).status, 200);
    assert.deepEqual(backend.images, [{ width: 8, height: 8, format: 'png' }]);
    const outside = await chat(url, withFile(pathToFileURL('/etc/hostname').href));
    assert.equal(outside.status, 403);
  });
});

test('an unknown model is a 404 with code model_not_found, listing the served ones', async () => {
  await withServer({}, async (url) => {
    const response = await chat(url, { ...hello, model: 'gpt-9' });
    assert.equal(response.status, 404);
    const body = await response.json();
    assert.equal(body.error.code, 'model_not_found');
    assert.match(body.error.message, /gpt-9.*scripted-1/);
  });
});

test('malformed requests get a 400 naming the field', async () => {
  await withServer({}, async (url) => {
    const bad = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: '{nope' });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.code, 'invalid_json');
    const role = await chat(url, {
      model: 'scripted-1',
      messages: [{ role: 'robot', content: 'x' }],
    });
    assert.equal(role.status, 400);
    assert.equal((await role.json()).error.param, 'messages[0].role');
    const scheme = await chat(url, {
      model: 'scripted-1',
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://x/a.png' } }] },
      ],
    });
    assert.match((await scheme.json()).error.message, /scheme 'http' is not accepted/);
    const route = await fetch(`${url}/v2/everything`);
    assert.equal(route.status, 404);
  });
});

/** Sends a raw request and resolves with the status, body and whether the server closed the socket. */
function rawPost(
  url: string,
  headers: Record<string, string | number>,
  write: (req: ReturnType<typeof httpRequest>) => void,
): Promise<{ status: number; body: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/v1/chat/completions`, { method: 'POST', headers });
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        const socket = req.socket;
        const done = () => resolve({ status: res.statusCode ?? 0, body, closed: true });
        if (!socket || socket.destroyed) done();
        else socket.once('close', done);
      });
    });
    write(req);
  });
}

test('a request over the size limit is refused with 413 JSON and the connection is closed', async () => {
  await withServer({ maxRequestBytes: 1000 }, async (url, backend) => {
    // Declared length over the limit: refused before reading.
    const declared = await rawPost(url, { 'Content-Length': 5000 }, (req) =>
      req.end('x'.repeat(5000)),
    );
    assert.equal(declared.status, 413);
    assert.equal(JSON.parse(declared.body).error.code, 'request_too_large');
    assert.match(JSON.parse(declared.body).error.message, /1000 bytes/);
    assert.ok(declared.closed);
    // Chunked (no length): refused once the count passes the limit, while the client still sends.
    const chunked = await rawPost(url, { 'Transfer-Encoding': 'chunked' }, (req) => {
      req.write('y'.repeat(800));
      req.write('y'.repeat(800));
      // never ends: the server must answer and close anyway
    });
    assert.equal(chunked.status, 413);
    assert.ok(chunked.closed);
    assert.equal(backend.requests.length, 0);
  });
});

test('with a token: a wrong or missing bearer token is refused with 401, the right one works', async () => {
  const token = 'correct-horse-battery';
  await withServer({ token }, async (url, backend) => {
    const wrong = await chat(url, hello, { Authorization: 'Bearer wrong-token-123' });
    assert.equal(wrong.status, 401);
    assert.equal((await wrong.json()).error.code, 'invalid_api_key');
    assert.equal(wrong.headers.get('www-authenticate'), 'Bearer');
    const missing = await fetch(`${url}/v1/models`);
    assert.equal(missing.status, 401);
    assert.match((await missing.json()).error.message, /Authorization: Bearer/);
    assert.equal(backend.requests.length, 0);
    const right = await chat(url, hello, { Authorization: `Bearer ${token}` });
    assert.equal(right.status, 200);
  });
});

test('without a token: refuses to bind a non-loopback address, and refuses web pages', async () => {
  await assert.rejects(
    startHttpServer({ host: '0.0.0.0', port: 0, backend: new ScriptedBackend() }),
    /refusing to bind 0\.0\.0\.0 without a token/,
  );
  await withServer({}, async (url) => {
    const fromPage = await chat(url, hello, { Origin: 'https://evil.example' });
    assert.equal(fromPage.status, 403);
    assert.equal((await fromPage.json()).error.code, 'forbidden_origin');
  });
});

test('a client disconnecting mid-stream aborts the generation', async () => {
  const backend = new ScriptedBackend(['tick '], 5, true);
  await withServer({ backend, maxTokens: 1_000_000 }, async (url) => {
    const controller = new AbortController();
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ ...hello, stream: true, max_tokens: 100000 }),
      signal: controller.signal,
    });
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    await reader.read(); // the first chunk: generation is under way
    controller.abort();
    await backend.abortSeen;
    assert.equal(backend.aborted, true);
  });
});

test('wrong-typed body fields are refused with 400 naming the field and the expected type', async () => {
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ stream: 'yes' }, 'stream', /expected a boolean, but got a string/],
    [{ stream: 1 }, 'stream', /expected a boolean, but got a number/],
    [{ stream_options: { include_usage: 'true' } }, 'stream_options.include_usage', /boolean/],
    [{ stream_options: [] }, 'stream_options', /expected an object, but got an array/],
    [{ max_tokens: '64' }, 'max_tokens', /expected an integer, but got a string/],
    [{ max_tokens: 6.5 }, 'max_tokens', /expected an integer, but got a number/],
    [{ temperature: '0.2' }, 'temperature', /expected a number, but got a string/],
    [{ seed: true }, 'seed', /expected an integer, but got a boolean/],
    [{ stop: 7 }, 'stop', /expected a string or an array/],
    [{ model: 5 }, 'model', /expected a string/],
    [{ messages: 'hi' }, 'messages', /expected an array/],
    [{ user: {} }, 'user', /expected a string, but got an object/],
    [{ presence_penalty: 'high' }, 'presence_penalty', /expected a number/],
    [{ n: 3 }, 'n', /only n = 1/],
    [{ messages: [{ role: 'user', content: 'hi', name: 9 }] }, 'messages[0].name', /string/],
    [{ messages: ['hi'] }, 'messages[0]', /expected an object, but got a string/],
    [
      { messages: [{ role: 'user', content: [{ type: 'text', text: null }] }] },
      'messages[0].content[0].text',
      /expected a string, but got null/,
    ],
  ];
  await withServer({}, async (url, backend) => {
    for (const [fields, param, message] of cases) {
      const response = await chat(url, { ...hello, ...fields });
      assert.equal(response.status, 400, `${JSON.stringify(fields)}`);
      const { error } = await response.json();
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.param, param, error.message);
      assert.ok(error.message.includes(param), error.message);
      assert.match(error.message, message);
    }
    assert.equal(backend.requests.length, 0, 'no wrong-typed request may reach the backend');
    // null is "not given", as OpenAI treats it.
    const nulls = await chat(url, { ...hello, stream: null, temperature: null, user: null });
    assert.equal(nulls.status, 200);
  });
});
