// The remote backend against our own OpenAI-compatible endpoint: both sides real, over
// 127.0.0.1 on an ephemeral port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { ApiError } from '../../../engine/openai/errors';
import { startHttpServer, type HttpServerOptions } from '../../../engine/openai/server';
import { resolveRemoteConfig, type RemoteConfig } from '../../../engine/remote/config';
import { RemoteChatBackend } from '../../../engine/remote/client';
import { RemoteError } from '../../../engine/remote/errors';
import { askRemoteWithKeyframes, keyframeFromFrame } from '../../../engine/remote/keyframes';
import type { ChatRequest, GenerationEvent } from '../../../engine/openai/backend';
import { noiseBytes, ScriptedBackend } from '../openai/scripted-backend';

const KEY = 'sk-test-0123456789-secret';

async function withEndpoint(
  options: Partial<HttpServerOptions>,
  body: (config: RemoteConfig, backend: ScriptedBackend) => Promise<void>,
) {
  const backend = (options.backend as ScriptedBackend) ?? new ScriptedBackend();
  const server = await startHttpServer({ port: 0, token: KEY, ...options, backend });
  try {
    const config = resolveRemoteConfig(
      { baseUrl: server.url, model: 'scripted-1', apiKey: KEY, retryBaseMs: 10 },
      {},
    );
    await body(config, backend);
  } finally {
    await server.close();
  }
}

const ask = (text: string): ChatRequest => ({
  model: '',
  messages: [{ role: 'user', content: [{ type: 'text', text }] }],
});

async function collect(events: AsyncIterable<GenerationEvent>) {
  const texts: string[] = [];
  let done: GenerationEvent | undefined;
  for await (const event of events) {
    if (event.type === 'text') texts.push(event.text);
    else done = event;
  }
  return { texts, done };
}

async function remoteFailure(run: () => Promise<unknown>): Promise<RemoteError> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof RemoteError, `expected a RemoteError, got ${inspect(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

function assertNoKey(error: unknown, lines: string[] = []) {
  const texts = error ? [String(error), (error as Error).stack ?? '', inspect(error)] : [];
  for (const text of [...texts, ...lines])
    assert.ok(!text.includes(KEY), `API key leaked in: ${text}`);
}

test('streams an answer token by token from the endpoint, with finish reason and usage', async () => {
  await withEndpoint({}, async (config) => {
    const remote = new RemoteChatBackend(config);
    assert.deepEqual(await remote.listModels(), ['scripted-1', 'scripted-2']);
    const { texts, done } = await collect(remote.generate(ask('hi'), new AbortController().signal));
    assert.deepEqual(texts, ['Hello', ' from', ' the', ' scripted', ' backend.']);
    assert.deepEqual(done, {
      type: 'done',
      finishReason: 'stop',
      usage: { promptTokens: 7, completionTokens: 5 },
    });
  });
});

test('keyframes go as downscaled images with their timestamps, and the answer streams back', async () => {
  await withEndpoint({}, async (config, backend) => {
    const frame = (timeSec: number, shade: number) => ({
      timeSec,
      width: 320,
      height: 200,
      rgb: Buffer.alloc(320 * 200 * 3, shade),
    });
    const tokens: string[] = [];
    const answer = await askRemoteWithKeyframes({
      question: 'When does the dialog open?',
      keyframes: [
        keyframeFromFrame(frame(83.25, 200), 'Save changes?'),
        keyframeFromFrame(frame(12, 20)),
      ],
      config: { ...config, maxImageSide: 160 },
      onToken: (t) => tokens.push(t),
    });
    assert.equal(answer.text, 'Hello from the scripted backend.');
    assert.equal(tokens.join(''), answer.text);
    assert.deepEqual(backend.images, [
      { width: 160, height: 100, format: 'jpeg' },
      { width: 160, height: 100, format: 'jpeg' },
    ]);
    const user = backend.requests[0].messages[1].content;
    const texts = user.filter((p) => p.type === 'text').map((p) => (p as { text: string }).text);
    assert.deepEqual(texts, [
      'Frame at 00:12.0:',
      'Frame at 01:23.3:',
      'Text on screen: Save changes?',
      'Question: When does the dialog open?',
    ]);
  });
});

test('aborting mid-stream closes the connection and the endpoint cancels generation', async () => {
  const backend = new ScriptedBackend(['tick '], 5, true);
  await withEndpoint({ backend, maxTokens: 1_000_000 }, async (config) => {
    const controller = new AbortController();
    const remote = new RemoteChatBackend(config);
    let received = 0;
    await assert.rejects(async () => {
      for await (const event of remote.generate(ask('count'), controller.signal)) {
        if (event.type === 'text' && ++received === 3)
          controller.abort(new Error('user cancelled'));
      }
    }, /user cancelled/);
    await backend.abortSeen;
    assert.equal(backend.aborted, true);
  });
});

test('unreachable: a closed port fails after the retries, naming the URL', async () => {
  const server = await startHttpServer({ port: 0, backend: new ScriptedBackend() });
  const url = server.url;
  await server.close();
  const lines: string[] = [];
  const config = resolveRemoteConfig(
    { baseUrl: url, model: 'm', apiKey: KEY, retryBaseMs: 5, maxRetries: 2 },
    {},
  );
  const remote = new RemoteChatBackend(config, { log: (l) => lines.push(l) });
  const error = await remoteFailure(() =>
    collect(remote.generate(ask('hi'), new AbortController().signal)),
  );
  assert.equal(error.kind, 'unreachable');
  assert.match(
    error.message,
    new RegExp(`cannot reach the remote model server at ${url}/v1/chat/completions`),
  );
  assert.match(error.message, /ECONNREFUSED/);
  assert.match(error.message, /after 3 attempts/);
  assert.equal(lines.filter((l) => /retrying/.test(l)).length, 2);
  assertNoKey(error, lines);
});

test('unauthorised: a wrong key is refused, not retried, and the key appears nowhere', async () => {
  await withEndpoint({}, async (config, backend) => {
    const lines: string[] = [];
    const wrongKey = `${KEY}-wrong`;
    const remote = new RemoteChatBackend(
      { ...config, apiKey: wrongKey },
      { log: (l) => lines.push(l) },
    );
    const error = await remoteFailure(() =>
      collect(remote.generate(ask('hi'), new AbortController().signal)),
    );
    assert.equal(error.kind, 'unauthorized');
    assert.equal(error.status, 401);
    assert.match(error.message, /refused the API key.*VLM_REMOTE_API_KEY/);
    assert.ok(!lines.some((l) => /retrying/.test(l)));
    assertNoKey(error, lines);
    for (const text of [String(error), inspect(error), ...lines])
      assert.ok(!text.includes(wrongKey));
    assert.equal(backend.requests.length, 0);
  });
});

test('model not found: names the model and where to list the served ones', async () => {
  await withEndpoint({}, async (config) => {
    const remote = new RemoteChatBackend({ ...config, model: 'no-such-model' });
    const error = await remoteFailure(() =>
      collect(remote.generate(ask('hi'), new AbortController().signal)),
    );
    assert.equal(error.kind, 'model-not-found');
    assert.equal(error.status, 404);
    assert.match(
      error.message,
      /does not serve the model 'no-such-model'.*VLM_REMOTE_MODEL.*\/v1\/models/,
    );
    assertNoKey(error);
  });
});

test('image too large: over the endpoint size limit gives a clear image-too-large error', async () => {
  await withEndpoint({ maxRequestBytes: 20_000 }, async (config) => {
    const noise = noiseBytes(400 * 400 * 3);
    const error = await remoteFailure(() =>
      askRemoteWithKeyframes({
        question: 'what is this?',
        keyframes: [
          {
            timeSec: 1,
            image: { kind: 'raw', data: noise, width: 400, height: 400, channels: 3 },
          },
        ],
        config: { ...config, imageFormat: 'png', maxImageSide: 400 },
      }),
    );
    assert.equal(error.kind, 'image-too-large');
    assert.equal(error.status, 413);
    assert.match(error.message, /too large \(HTTP 413\).*VLM_REMOTE_MAX_IMAGE_SIDE \(now 400 px\)/);
    assertNoKey(error);
  });
});

test('a 503 is retried with backoff and then succeeds; a 400 is not retried', async () => {
  await withEndpoint({}, async (config, backend) => {
    backend.failures.push(new ApiError(503, 'overloaded', 'warming up'));
    const lines: string[] = [];
    const remote = new RemoteChatBackend(config, { log: (l) => lines.push(l) });
    const { texts } = await collect(remote.generate(ask('hi'), new AbortController().signal));
    assert.equal(texts.join(''), 'Hello from the scripted backend.');
    assert.equal(lines.filter((l) => /failed \(server-error\); retrying/.test(l)).length, 1);

    backend.failures.push(new ApiError(400, 'bad', 'nope'));
    const error = await remoteFailure(() =>
      collect(remote.generate(ask('hi'), new AbortController().signal)),
    );
    assert.equal(error.kind, 'bad-request');
    assert.equal(lines.filter((l) => /retrying/.test(l)).length, 1);
  });
});

test('a stream that goes silent mid-answer ends with a timeout error', async () => {
  const backend = new ScriptedBackend(['a', 'b', 'c'], 0, false, 1);
  await withEndpoint({ backend }, async (config) => {
    const remote = new RemoteChatBackend({ ...config, idleTimeoutMs: 200 });
    const texts: string[] = [];
    const error = await remoteFailure(async () => {
      for await (const event of remote.generate(ask('hi'), new AbortController().signal))
        if (event.type === 'text') texts.push(event.text);
    });
    assert.deepEqual(texts, ['a']);
    assert.equal(error.kind, 'timeout');
    assert.match(error.message, /sent nothing for 200 ms/);
    await backend.abortSeen;
  });
});

test('config: settings over environment, /v1 added, credentials in the URL refused, key hidden', () => {
  const env = {
    VLM_REMOTE_BASE_URL: 'http://gpu-host:8000',
    VLM_REMOTE_MODEL: 'Qwen/Qwen2.5-VL-7B-Instruct',
    VLM_REMOTE_API_KEY: KEY,
    VLM_REMOTE_MAX_IMAGE_SIDE: '768',
  };
  const fromEnv = resolveRemoteConfig({}, env);
  assert.equal(fromEnv.baseUrl, 'http://gpu-host:8000/v1');
  assert.equal(fromEnv.maxImageSide, 768);
  assert.equal(fromEnv.apiKey, KEY);
  assert.equal(resolveRemoteConfig({ model: 'other' }, env).model, 'other');
  assert.equal(resolveRemoteConfig({ baseUrl: 'https://h/v1/' }, env).baseUrl, 'https://h/v1');
  assert.throws(() => resolveRemoteConfig({}, {}), /VLM_REMOTE_BASE_URL/);
  assert.throws(
    () => resolveRemoteConfig({}, { ...env, VLM_REMOTE_MAX_IMAGE_SIDE: 'big' }),
    /VLM_REMOTE_MAX_IMAGE_SIDE="big"/,
  );
  assert.throws(
    () => resolveRemoteConfig({ baseUrl: `http://user:${KEY}@h:1/v1` }, env),
    (error: Error) =>
      /must not carry credentials/.test(error.message) && !error.message.includes(KEY),
  );
  const lines: string[] = [];
  new RemoteChatBackend(fromEnv, { log: (l) => lines.push(l) });
  assert.match(lines[0], /apiKey=\(set\)/);
  assertNoKey(null, lines);
});

test('vlm serve --http --remote in miniature: our endpoint relays to another one, errors keep their meaning', async () => {
  await withEndpoint({}, async (config) => {
    const relay = await startHttpServer({ port: 0, backend: new RemoteChatBackend(config) });
    try {
      const post = (model: string) =>
        fetch(`${relay.url}/v1/chat/completions`, {
          method: 'POST',
          body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
        });
      const ok = await post('scripted-2');
      assert.equal(
        (await ok.json()).choices[0].message.content,
        'Hello from the scripted backend.',
      );
      const missing = await post('nope');
      assert.equal(missing.status, 404);
    } finally {
      await relay.close();
    }
    const badKey = await startHttpServer({
      port: 0,
      backend: new RemoteChatBackend({ ...config, apiKey: 'wrong-key-0000' }),
    });
    try {
      const refused = await fetch(`${badKey.url}/v1/models`);
      assert.equal(refused.status, 502);
      const body = await refused.json();
      assert.equal(body.error.code, 'remote_unauthorized');
      assert.ok(!JSON.stringify(body).includes('wrong-key-0000'));
    } finally {
      await badKey.close();
    }
  });
});
