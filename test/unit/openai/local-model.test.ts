// End to end: the real tiny reference model behind our endpoint, reached through the
// remote backend (HTTP, SSE, image data URL, model runtime, all real).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalModelBackend } from '../../../engine/openai/local-backend';
import { startHttpServer } from '../../../engine/openai/server';
import { RemoteChatBackend } from '../../../engine/remote/client';
import { resolveRemoteConfig } from '../../../engine/remote/config';
import { askRemoteWithKeyframes } from '../../../engine/remote/keyframes';
import { smoothImage, tinyModelDir } from '../model/tiny-model';

test('the tiny reference model answers through the endpoint, streamed, with an image', async () => {
  const backend = await LocalModelBackend.load(await tinyModelDir(), { modelId: 'reference-tiny' });
  const server = await startHttpServer({ port: 0, backend, maxTokens: 8 });
  try {
    const config = resolveRemoteConfig({ baseUrl: server.url, model: 'reference-tiny' }, {});
    assert.deepEqual(await new RemoteChatBackend(config).listModels(), ['reference-tiny']);
    const tokens: string[] = [];
    const answer = await askRemoteWithKeyframes({
      question: 'What is on the screen?',
      keyframes: [{ timeSec: 3, image: { kind: 'raw', channels: 3, ...smoothImage(96, 64) } }],
      config,
      onToken: (t) => tokens.push(t),
      temperature: 0,
    });
    assert.ok(answer.usage && answer.usage.promptTokens > 10, 'the prompt holds the image tokens');
    assert.equal(tokens.join(''), answer.text);
    assert.ok(answer.usage.completionTokens >= 1 && answer.usage.completionTokens <= 8);
    assert.equal(answer.finishReason, answer.usage.completionTokens === 8 ? 'length' : 'stop');

    // Greedy decoding is deterministic: a plain non-streaming request gives the same text.
    const again = await askRemoteWithKeyframes({
      question: 'What is on the screen?',
      keyframes: [{ timeSec: 3, image: { kind: 'raw', channels: 3, ...smoothImage(96, 64) } }],
      config,
      temperature: 0,
    });
    assert.equal(again.text, answer.text);
  } finally {
    await server.close();
    await backend.model.dispose();
  }
});
