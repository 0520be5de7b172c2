// How the remote backend reads the error answers real servers send (bodies as vLLM,
// Ollama and OpenAI write them); the live cases run against our endpoint in client.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpFailure, redact, type FailureContext } from '../../../engine/remote/errors';

const ctx: FailureContext = {
  url: 'http://gpu-host:8000/v1/chat/completions',
  model: 'qwen2.5-vl-7b',
  hasKey: true,
  maxImageSide: 1024,
};

test('server error bodies are classified by status and message', () => {
  const vllmModel = JSON.stringify({
    object: 'error',
    message: 'The model `qwen2.5-vl-7b` does not exist.',
    type: 'NotFoundError',
    code: 404,
  });
  assert.equal(httpFailure(404, vllmModel, ctx).kind, 'model-not-found');
  const ollamaModel = JSON.stringify({
    error: { message: 'model "qwen2.5vl" not found, try pulling it first', type: 'api_error' },
  });
  assert.equal(httpFailure(404, ollamaModel, ctx).kind, 'model-not-found');
  assert.equal(httpFailure(404, '{"detail":"Not Found"}', ctx).kind, 'endpoint-not-found');
  const context = JSON.stringify({
    message:
      "This model's maximum context length is 32768 tokens. However, you requested 41000 tokens.",
  });
  const long = httpFailure(400, context, ctx);
  assert.equal(long.kind, 'context-too-long');
  assert.match(long.message, /--max-model-len/);
  const images = JSON.stringify({ message: 'At most 1 image(s) may be provided in one request.' });
  assert.equal(httpFailure(400, images, ctx).kind, 'too-many-images');
  assert.equal(httpFailure(400, '{"error":"image too large: 50MB"}', ctx).kind, 'image-too-large');
  assert.equal(httpFailure(413, '', ctx).kind, 'image-too-large');
  assert.equal(httpFailure(403, '', { ...ctx, hasKey: false }).kind, 'unauthorized');
  assert.match(httpFailure(401, '', { ...ctx, hasKey: false }).message, /requires an API key/);
  const busy = httpFailure(503, 'overloaded', ctx, 2000);
  assert.equal(busy.kind, 'server-error');
  assert.equal(busy.retryAfterMs, 2000);
  assert.equal(httpFailure(429, '', ctx).kind, 'rate-limited');
  assert.equal(httpFailure(422, '{"detail":[{"msg":"field required"}]}', ctx).kind, 'bad-request');
});

test('redact removes every copy of the secret', () => {
  assert.equal(redact('key sk-abcdef and sk-abcdef again', ['sk-abcdef']), 'key *** and *** again');
  assert.equal(redact('nothing here', [undefined, '']), 'nothing here');
});
