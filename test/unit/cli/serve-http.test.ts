// `vlm serve --http`, run in-process: it serves the reference model until its signal aborts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serveHttp } from '../../../engine/cli/commands/serve-http';
import { ExitCode, UsageError, type CommandIo } from '../../../engine/cli/command';
import { tinyModelDir } from '../model/tiny-model';

function testIo() {
  const controller = new AbortController();
  const out: string[] = [];
  const err: string[] = [];
  let announce: (line: string) => void = () => {};
  const announced = new Promise<string>((resolve) => (announce = resolve));
  const io: CommandIo = {
    out: (text) => {
      out.push(text);
      announce(text);
    },
    err: (text) => err.push(text),
    signal: controller.signal,
  };
  return { io, out, err, announced, stop: () => controller.abort() };
}

test('vlm serve --http serves /v1/models with a token until interrupted', async () => {
  const { io, announced, stop } = testIo();
  const exit = serveHttp(
    [
      '--http',
      '--port',
      '0',
      '--token',
      'cli-token-123',
      '--model',
      await tinyModelDir(),
      '--model-id',
      'tiny',
    ],
    io,
  );
  const line = await Promise.race([announced, exit.then((code) => `exited ${code}`)]);
  const url = /on (http:\/\/\S+\/v1)/.exec(line)?.[1];
  assert.ok(url, `no URL announced: ${line}`);
  assert.match(line, /bearer token required/);
  const refused = await fetch(`${url}/models`);
  assert.equal(refused.status, 401);
  const listed = await fetch(`${url}/models`, {
    headers: { Authorization: 'Bearer cli-token-123' },
  });
  assert.deepEqual(
    (await listed.json()).data.map((m: { id: string }) => m.id),
    ['tiny'],
  );
  stop();
  assert.equal(await exit, ExitCode.interrupted);
});

test('vlm serve --http refuses bad flags and a public address without a token', async () => {
  const { io } = testIo();
  await assert.rejects(serveHttp(['--http', '--port', 'eighty'], io), UsageError);
  await assert.rejects(serveHttp(['--http', '--remote', '--model', '/x'], io), UsageError);
  const saved = process.env.VLM_SERVE_TOKEN;
  delete process.env.VLM_SERVE_TOKEN;
  try {
    await assert.rejects(
      serveHttp(
        ['--http', '--port', '0', '--host', '0.0.0.0', '--model', await tinyModelDir()],
        io,
      ),
      /refusing to bind 0\.0\.0\.0 without a token/,
    );
  } finally {
    if (saved !== undefined) process.env.VLM_SERVE_TOKEN = saved;
  }
});

test('vlm serve --http --model answers questions about an image with that model, evidence included', async () => {
  const { io, err, announced, stop } = testIo();
  const exit = serveHttp(['--http', '--port', '0', '--model', 'reference:qwen2-vl-tiny'], io);
  try {
    const line = await Promise.race([announced, exit.then((code) => `exited ${code}`)]);
    const url = /on (http:\/\/\S+\/v1)/.exec(line)?.[1];
    assert.ok(url, `no URL announced: ${line}`);
    const image = readFileSync('test/fixtures/real/tabby-ssh-session.png').toString('base64');
    const response = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'reference:qwen2-vl-tiny',
        max_tokens: 3,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image_url', image_url: { url: `data:image/png;base64,${image}` } },
              { type: 'text', text: 'What is on the screen?' },
            ],
          },
        ],
      }),
    });
    const json = await response.json();
    assert.equal(response.status, 200, JSON.stringify(json));
    assert.equal(json.vlm.model, 'reference:qwen2-vl-tiny', 'the evidence came from --model too');
    assert.ok(json.vlm.evidence.length > 0);
    assert.ok(err.some((e) => /reference:qwen2-vl-tiny is a generated reference model/.test(e)));
  } finally {
    stop();
  }
  assert.equal(await exit, ExitCode.interrupted);
});
