// Benchmark of the HTTP layer (not the model): what our endpoint plus the remote client add
// to a generation. Prints figures and writes JSON.
//   node --import tsx engine/bench/openai-endpoint.ts [--out bench-results/openai-endpoint.json]
// 1. streaming throughput: tokens/s of a backend that costs nothing, through SSE and back;
// 2. time to first token of a text-only request (HTTP + JSON + SSE round trip);
// 3. keyframe encoding: a 1920x1080 RGB frame to a 1024-px JPEG data URL (ms, bytes);
// 4. a question with 8 such keyframes: request bytes and time to first token.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RemoteChatBackend } from '../remote/client';
import { resolveRemoteConfig } from '../remote/config';
import { encodeImageDataUrl } from '../remote/images';
import { buildKeyframeMessages, keyframeFromFrame } from '../remote/keyframes';
import type { ChatBackend, ChatRequest, GenerationEvent } from '../openai/backend';
import { startHttpServer } from '../openai/server';

/** Emits `count` one-word tokens as fast as the consumer takes them. */
class FreeBackend implements ChatBackend {
  constructor(private readonly count: number) {}
  async listModels() {
    return ['free'];
  }
  async *generate(request: ChatRequest, signal: AbortSignal): AsyncGenerator<GenerationEvent> {
    const n = Math.min(this.count, request.maxTokens ?? this.count);
    for (let i = 0; i < n; i++) {
      signal.throwIfAborted();
      yield { type: 'text', text: ' tok' };
    }
    yield { type: 'done', finishReason: 'length' };
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

function frame(width: number, height: number) {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      rgb[i] = (x * 255) / width;
      rgb[i + 1] = (y * 255) / height;
      rgb[i + 2] = ((x ^ y) & 0x40) * 2; // a checker pattern, like UI edges
    }
  return { timeSec: 12.5, width, height, rgb };
}

async function firstToken(remote: ChatBackend, request: ChatRequest) {
  const started = performance.now();
  let ttft = 0;
  let tokens = 0;
  for await (const event of remote.generate(request, new AbortController().signal))
    if (event.type === 'text' && tokens++ === 0) ttft = performance.now() - started;
  return { ttftMs: ttft, totalMs: performance.now() - started, tokens };
}

async function main() {
  const { values } = parseArgs({
    options: { out: { type: 'string', default: 'bench-results/openai-endpoint.json' } },
  });
  const tokens = 20_000;
  const server = await startHttpServer({
    port: 0,
    backend: new FreeBackend(tokens),
    maxTokens: tokens,
    maxRequestBytes: 64 * 1024 * 1024,
  });
  const remote = new RemoteChatBackend(
    resolveRemoteConfig({ baseUrl: server.url, model: 'free' }, {}),
  );
  const text = (maxTokens: number): ChatRequest => ({
    model: 'free',
    maxTokens,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'go' }] }],
  });
  try {
    await firstToken(remote, text(10)); // warm-up: connection, JIT
    const stream = await firstToken(remote, text(tokens));
    const ttfts: number[] = [];
    for (let i = 0; i < 30; i++) ttfts.push((await firstToken(remote, text(1))).ttftMs);

    const big = frame(1920, 1080);
    const encoding = { maxSide: 1024, format: 'jpeg' as const, jpegQuality: 85 };
    const encodeMs: number[] = [];
    let encoded = { bytes: 0, width: 0, height: 0 };
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      encoded = await encodeImageDataUrl(
        { kind: 'raw', data: big.rgb, width: big.width, height: big.height, channels: 3 },
        encoding,
      );
      encodeMs.push(performance.now() - started);
    }
    const keyframes = Array.from({ length: 8 }, (_, i) =>
      keyframeFromFrame({ ...big, timeSec: i * 10 }),
    );
    const messages = await buildKeyframeMessages('What happens after the dialog opens?', keyframes);
    const withFrames = await firstToken(remote, { model: 'free', maxTokens: 16, messages });

    const report = {
      date: new Date().toISOString(),
      node: process.version,
      streaming: {
        tokens: stream.tokens,
        seconds: round(stream.totalMs / 1000, 3),
        tokensPerSecond: Math.round(stream.tokens / (stream.totalMs / 1000)),
      },
      textTtftMedianMs: round(median(ttfts)),
      keyframeEncode: {
        from: '1920x1080 RGB',
        to: `${encoded.width}x${encoded.height} JPEG q85`,
        medianMs: round(median(encodeMs)),
        bytes: encoded.bytes,
      },
      eightKeyframes: { ttftMs: round(withFrames.ttftMs), note: 'includes encoding 8 frames' },
    };
    console.log(
      [
        `streaming through SSE and back: ${report.streaming.tokensPerSecond} tokens/s (${stream.tokens} tokens in ${report.streaming.seconds} s)`,
        `text request, time to first token: median ${report.textTtftMedianMs} ms over 30`,
        `keyframe 1920x1080 -> ${report.keyframeEncode.to}: median ${report.keyframeEncode.medianMs} ms, ${encoded.bytes} bytes`,
        `question with 8 keyframes, time to first token: ${report.eightKeyframes.ttftMs} ms`,
      ].join('\n'),
    );
    const out = resolve(values.out as string);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`wrote ${out}`);
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
