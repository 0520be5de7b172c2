// Benchmark of the language server as an editor sees it, over stdio with a real JSON-RPC
// client: does the message loop stay responsive while the engine decodes (engine status
// round trips during an ask), time to first streamed token, how fast a cancel is answered,
// and streamed tokens per second. Prints the figures and writes bench-results/server-protocol.json.
//
//   node --import tsx test/bench/server/protocol-latency.ts [--preset tiny|smolvlm-256m-shape]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  AskRequest,
  AskTokenNotification,
  EngineStatusRequest,
  OpenStreamRequest,
  SelectModelRequest,
} from '../../../protocol/protocol';
import {
  CancellationTokenSource,
  FIXTURES,
  ROOT,
  startServer,
} from '../../protocol/server/harness';

const { values } = parseArgs({
  options: { preset: { type: 'string', default: 'tiny' }, asks: { type: 'string', default: '5' } },
});
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const round = (x: number) => Math.round(x * 100) / 100;

async function main() {
  const cacheDir = mkdtempSync(join(tmpdir(), 'vlm-server-bench-'));
  const started = performance.now();
  const server = await startServer(
    { statsIntervalMs: 0, limits: { requestTimeoutMs: 0 } },
    { VLM_CACHE_DIR: process.env.VLM_CACHE_DIR ?? cacheDir },
  );
  const initializeMs = performance.now() - started;
  const c = server.connection;
  const firstToken = new Map<string, number>();
  const tokenCount = new Map<string, number>();
  c.onNotification(AskTokenNotification, (p) => {
    if (!firstToken.has(p.askId)) firstToken.set(p.askId, performance.now());
    tokenCount.set(p.askId, (tokenCount.get(p.askId) ?? 0) + 1);
  });
  const loadStart = performance.now();
  await c.sendRequest(SelectModelRequest, { model: `reference:${values.preset}` });
  const modelLoadMs = performance.now() - loadStart;
  const openStart = performance.now();
  const stream = await c.sendRequest(OpenStreamRequest, {
    source: { kind: 'file', uri: `file://${FIXTURES}/lazygit-nuke-working-tree.mp4` },
    waitForEncoding: true,
  });
  const openAndEncodeMs = performance.now() - openStart;

  const ttft: number[] = [];
  const tokensPerSecond: number[] = [];
  const statusRoundTrips: number[] = [];
  for (let i = 0; i < Number(values.asks); i++) {
    const askId = `bench-${i}`;
    const sent = performance.now();
    const asking = c.sendRequest(AskRequest, {
      askId,
      streamId: stream.streamId,
      question: `What happens at ${i} s?`,
      maxTokens: 64,
    });
    let done = false;
    const probing = (async () => {
      while (!done) {
        const t = performance.now();
        await c.sendRequest(EngineStatusRequest);
        statusRoundTrips.push(performance.now() - t);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await asking;
    done = true;
    await probing;
    const end = performance.now();
    const first = firstToken.get(askId) ?? end;
    ttft.push(first - sent);
    const n = tokenCount.get(askId) ?? 0;
    if (n > 1) tokensPerSecond.push((n - 1) / ((end - first) / 1000));
  }

  const cancelLatency: number[] = [];
  for (let i = 0; i < 3; i++) {
    const askId = `cancel-${i}`;
    const source = new CancellationTokenSource();
    let cancelledAt = 0;
    const sub = c.onNotification(AskTokenNotification, (p) => {
      if (p.askId === askId && p.index === 3) {
        cancelledAt = performance.now();
        source.cancel();
      }
    });
    await c
      .sendRequest(
        AskRequest,
        { askId, streamId: stream.streamId, question: 'Describe it all.', maxTokens: 4000 },
        source.token,
      )
      .catch(() => {});
    if (cancelledAt) cancelLatency.push(performance.now() - cancelledAt);
    sub.dispose();
  }
  await server.stop();
  rmSync(cacheDir, { recursive: true, force: true });

  const result = {
    preset: values.preset,
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    initializeMs: round(initializeMs),
    modelLoadMs: round(modelLoadMs),
    openAndEncodeMs: round(openAndEncodeMs),
    framesEncoded: stream.framesEncoded,
    ttftMs: { p50: round(percentile(ttft, 0.5)), max: round(Math.max(...ttft)) },
    tokensPerSecond: { p50: round(percentile(tokensPerSecond, 0.5)) },
    statusRoundTripDuringAskMs: {
      n: statusRoundTrips.length,
      p50: round(percentile(statusRoundTrips, 0.5)),
      p95: round(percentile(statusRoundTrips, 0.95)),
      max: round(Math.max(...statusRoundTrips)),
    },
    cancelToResponseMs: {
      n: cancelLatency.length,
      p50: round(percentile(cancelLatency, 0.5)),
      max: round(Math.max(...cancelLatency)),
    },
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bench-results', `server-protocol-${values.preset}.json`),
    JSON.stringify(result, null, 2),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
