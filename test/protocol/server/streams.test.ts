// Streams end to end through the real server: open a fixture video, ask with streamed
// tokens, receive stream status and cache statistics, cancel mid-answer, time out, and
// 20 concurrent asks over 3 streams under the job limits. Uses the tiny reference model,
// generated into a temporary cache directory.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  EVIDENCE_REASONS,
  AskRequest,
  AskTokenNotification,
  CacheStatsNotification,
  CacheStatsRequest,
  CloseStreamRequest,
  ListStreamsRequest,
  OpenStreamRequest,
  StreamStatusNotification,
  VlmErrorCodes,
  type AskTokenParams,
  type CacheStatsResult,
  type StreamSummary,
} from '../../../protocol/protocol';
import {
  CancellationTokenSource,
  FIXTURES,
  SCREENS,
  serveOverHttp,
  startServer,
  withTimeout,
  type ServerUnderTest,
} from './harness';
import { descendants, isAlive } from './processes';

const VIDEO = `file://${FIXTURES}/silent-film-street-scene.mp4`;
const SCREEN_RECORDING = `file://${FIXTURES}/lazygit-nuke-working-tree.mp4`;
const GIF = `file://${FIXTURES}/terminal-thefuck-corrections.gif`;

describe('streams: open, ask with streamed tokens, statistics, cancel', () => {
  let cacheDir: string;
  let server: ServerUnderTest;
  const tokens: AskTokenParams[] = [];
  const stats: CacheStatsResult[] = [];
  const statuses: StreamSummary[] = [];
  let streamId: string;

  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'vlm-server-test-'));
    server = await startServer({ statsIntervalMs: 200 }, { VLM_CACHE_DIR: cacheDir });
    server.connection.onNotification(AskTokenNotification, (p) => tokens.push(p));
    server.connection.onNotification(CacheStatsNotification, (p) => stats.push(p));
    server.connection.onNotification(StreamStatusNotification, (p) => statuses.push(p));
  });
  after(async () => {
    if (server.child.exitCode === null) await server.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('opens a stream on a fixture video and encodes it', async () => {
    const summary = await withTimeout(
      server.connection.sendRequest(OpenStreamRequest, {
        source: { kind: 'file', uri: VIDEO },
        sampleFps: 1,
        waitForEncoding: true,
      }),
      120_000,
      'openStream',
    );
    streamId = summary.streamId;
    assert.equal(summary.media?.kind, 'video');
    assert.equal(summary.media?.width, 640);
    assert.ok(summary.framesEncoded >= 1, JSON.stringify(summary));
    const { streams } = await server.connection.sendRequest(ListStreamsRequest);
    assert.deepEqual(
      streams.map((s) => s.streamId),
      [streamId],
    );
  });

  it('streams the answer as vlm/askToken chunks that add up to the answer', async () => {
    const result = await withTimeout(
      server.connection.sendRequest(AskRequest, {
        askId: 'ask-1',
        streamId,
        question: 'What does the man in the long coat do?',
        maxTokens: 12,
      }),
      60_000,
      'ask',
    );
    const mine = tokens.filter((t) => t.askId === 'ask-1');
    assert.ok(mine.length > 0);
    assert.deepEqual(
      mine.map((t) => t.index),
      mine.map((_, i) => i),
    );
    assert.equal(mine.map((t) => t.text).join(''), result.answer);
    assert.equal(result.askId, 'ask-1');
    assert.equal(result.timings.tokens, mine.length);
    assert.ok(result.cache && result.cache.sink.tokens > 0);
    assert.ok(result.evidence.length > 0, 'evidence from the encoded frames');
    for (const e of result.evidence) {
      assert.ok(
        (EVIDENCE_REASONS as readonly string[]).includes(e.reason ?? ''),
        `evidence reason '${e.reason}' is one the protocol documents`,
      );
      // The reason names the tier the block was really in.
      if (e.reason === 'retrieved') assert.equal(e.retrieved, true);
      if (e.reason === 'recent') assert.equal(e.retrieved, false);
      assert.ok(e.score! >= 0 && e.score! <= 1, `score ${e.score} is in [0, 1]`);
    }
    if (result.cache!.lastRetrieved?.length === 0)
      assert.ok(!result.evidence.some((e) => e.reason === 'retrieved'));
  });

  it('an ask sent right after opening waits for the first frame and answers with evidence', async () => {
    // The editor asks as soon as vlm/openStream returns. A network source whose server
    // takes a second to answer makes sure no frame is encoded when the ask arrives.
    const http = await serveOverHttp(readFileSync(GIF.replace('file://', '')), 'image/gif', 1000);
    try {
      const { url } = http;
      const opened = await withTimeout(
        server.connection.sendRequest(OpenStreamRequest, {
          source: { kind: 'url', url },
          sampleFps: 1,
        }),
        60_000,
        'openStream (slow source)',
      );
      assert.equal(opened.framesEncoded, 0, 'nothing encoded yet when the ask goes out');
      const result = await withTimeout(
        server.connection.sendRequest(AskRequest, {
          askId: 'ask-early',
          streamId: opened.streamId,
          question: 'What command was mistyped?',
          maxTokens: 4,
        }),
        120_000,
        'ask (early)',
      );
      assert.ok(result.evidence.length > 0, 'evidence from the first encoded frame');
      await server.connection.sendRequest(CloseStreamRequest, { streamId: opened.streamId });
    } finally {
      http.close();
    }
  });

  it('sends stream status and periodic cache statistics for the open stream', async () => {
    await withTimeout(
      (async () => {
        while (!stats.some((s) => s.streams.some((c) => c.streamId === streamId)))
          await new Promise((resolve) => setTimeout(resolve, 50));
      })(),
      10_000,
      'vlm/cacheStatsChanged',
    );
    const latest = stats.at(-1)!;
    assert.ok(latest.memoryBytes > 0);
    assert.ok(statuses.some((s) => s.streamId === streamId && s.state === 'ready'));
    const direct = await server.connection.sendRequest(CacheStatsRequest, { streamId });
    assert.equal(direct.streams[0].streamId, streamId);
    assert.ok(direct.streams[0].recent.blocks + direct.streams[0].retrievable.blocks >= 1);
  });

  it('cancels mid-answer with RequestCancelled, and the next ask works', async () => {
    const source = new CancellationTokenSource();
    server.connection.onNotification(AskTokenNotification, (p) => {
      tokens.push(p);
      if (p.askId === 'ask-cancel' && p.index === 2) source.cancel();
    });
    await assert.rejects(
      withTimeout(
        server.connection.sendRequest(
          AskRequest,
          {
            askId: 'ask-cancel',
            streamId,
            question: 'Describe every frame in detail.',
            maxTokens: 4000,
          },
          source.token,
        ),
        30_000,
        'cancelled ask',
      ),
      (error: { code: number }) => error.code === VlmErrorCodes.RequestCancelled,
    );
    const cancelledTokens = tokens.filter((t) => t.askId === 'ask-cancel').length;
    assert.ok(cancelledTokens < 4000, `${cancelledTokens} tokens`);
    const next = await server.connection.sendRequest(AskRequest, {
      askId: 'ask-after',
      streamId,
      question: 'And now?',
      maxTokens: 4,
    });
    assert.equal(next.askId, 'ask-after');
  });

  it('asks about a single image (file URI or base64) without opening a stream', async () => {
    const png = `${SCREENS}/vscode-problems-immutable-variable.png`;
    for (const image of [
      { uri: `file://${png}` },
      { base64: readFileSync(png).toString('base64'), mimeType: 'image/png' },
    ]) {
      const result = await server.connection.sendRequest(AskRequest, {
        askId: `image-${'uri' in image ? 'uri' : 'b64'}`,
        image,
        question: 'What is the error?',
        maxTokens: 4,
      });
      assert.ok(tokens.some((t) => t.askId === result.askId));
      assert.equal(result.evidence[0]?.timeSec, 0);
    }
    const { streams } = await server.connection.sendRequest(ListStreamsRequest);
    assert.deepEqual(
      streams.map((s) => s.streamId),
      [streamId],
      'the temporary image stream is closed again',
    );
  });

  it('closes the stream; asking it afterwards is UnknownStream', async () => {
    const closed = await server.connection.sendRequest(CloseStreamRequest, { streamId });
    assert.equal(closed.closed, true);
    await assert.rejects(
      server.connection.sendRequest(AskRequest, { askId: 'x', streamId, question: 'still there?' }),
      (error: { code: number }) => error.code === VlmErrorCodes.UnknownStream,
    );
  });
});

describe('limits under load', () => {
  let cacheDir: string;
  let server: ServerUnderTest;
  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'vlm-server-test-'));
    server = await startServer(
      { statsIntervalMs: 0, limits: { concurrentJobs: 2, queueLength: 8, maxStreams: 3 } },
      { VLM_CACHE_DIR: cacheDir },
    );
  });
  after(async () => {
    if (server.child.exitCode === null) await server.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('answers or cleanly rejects 20 concurrent asks over 3 streams; none lost or hanging', async () => {
    const ids: string[] = [];
    for (const uri of [VIDEO, SCREEN_RECORDING, GIF]) {
      const summary = await server.connection.sendRequest(OpenStreamRequest, {
        source: { kind: 'file', uri },
        maxFrames: 2,
      });
      ids.push(summary.streamId);
    }
    await assert.rejects(
      server.connection.sendRequest(OpenStreamRequest, { source: { kind: 'file', uri: VIDEO } }),
      (error: { code: number; message: string }) =>
        error.code === VlmErrorCodes.TooManyStreams && /maxStreams = 3/.test(error.message),
    );
    const asks = Array.from({ length: 20 }, (_, i) =>
      server.connection
        .sendRequest(AskRequest, {
          askId: `load-${i}`,
          streamId: ids[i % 3],
          question: `Question ${i}: what is on screen?`,
          maxTokens: 6,
        })
        .then(
          (result) => ({ ok: true as const, askId: result.askId }),
          (error: { code: number; message: string }) => ({
            ok: false as const,
            code: error.code,
            message: error.message,
          }),
        ),
    );
    const outcomes = await withTimeout(Promise.all(asks), 120_000, '20 concurrent asks');
    const answered = outcomes.filter((o) => o.ok);
    const rejected = outcomes.filter((o) => !o.ok);
    assert.equal(answered.length + rejected.length, 20);
    // 2 run and 8 wait; the other 10 arrive while the queue is full.
    assert.ok(answered.length >= 10, `answered ${answered.length}`);
    for (const r of rejected) {
      assert.equal((r as { code: number }).code, VlmErrorCodes.QueueFull, JSON.stringify(r));
      assert.match((r as { message: string }).message, /queueLength = 8/);
    }
    assert.deepEqual(
      answered.map((a) => (a as { askId: string }).askId).sort(),
      outcomes
        .map((o, i) => (o.ok ? `load-${i}` : undefined))
        .filter(Boolean)
        .sort(),
    );
  });

  it('leaves no ffmpeg or other child process after shutdown with streams open', async () => {
    await server.connection
      .sendRequest(CloseStreamRequest, { streamId: 'stream-1' })
      .catch(() => {});
    await server.connection.sendRequest(OpenStreamRequest, {
      source: { kind: 'file', uri: SCREEN_RECORDING },
      sampleFps: 25,
    });
    const pid = server.child.pid!;
    const children = descendants(pid);
    const code = await server.stop();
    assert.equal(code, 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(children.filter(isAlive), []);
  });
});

describe('request timeout', () => {
  it('stops a request that runs past requestTimeoutMs with Timeout naming the limit', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'vlm-server-test-'));
    const server = await startServer(
      { statsIntervalMs: 0, limits: { requestTimeoutMs: 1500 } },
      { VLM_CACHE_DIR: cacheDir },
    );
    try {
      const { streamId } = await server.connection.sendRequest(OpenStreamRequest, {
        source: { kind: 'file', uri: VIDEO },
        maxFrames: 1,
      });
      await assert.rejects(
        server.connection.sendRequest(AskRequest, {
          askId: 'slow',
          streamId,
          // The reference model's random answer must outlast the limit; its length depends on
          // the question and the frame: this one runs past 1000 tokens on the clip's first frame.
          question: 'Describe every frame in detail.',
          maxTokens: 8000,
        }),
        (error: { code: number; message: string }) =>
          error.code === VlmErrorCodes.Timeout && /requestTimeoutMs = 1500/.test(error.message),
      );
      const status = await server.connection.sendRequest('vlm/engineStatus');
      assert.ok(status);
    } finally {
      await server.stop();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('settings reach the engine', () => {
  it('samples at vlm.sampling.fps and loads the model from vlm.modelPath', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'vlm-server-test-'));
    const server = await startServer(
      { statsIntervalMs: 0, sampling: { fps: 0.5 } },
      { VLM_CACHE_DIR: cacheDir },
    );
    try {
      const summary = await server.connection.sendRequest(OpenStreamRequest, {
        source: { kind: 'file', uri: VIDEO },
        waitForEncoding: true,
      });
      // 9.64 s at 0.5 frames/s: 5 frames (at the default 1 frame/s it would be 10).
      assert.equal(summary.framesEncoded + summary.framesSkipped, 5, JSON.stringify(summary));
      await server.connection.sendNotification('workspace/didChangeConfiguration', {
        settings: { vlm: { modelPath: join(cacheDir, 'no-such-model') } },
      });
      await assert.rejects(
        server.connection.sendRequest(OpenStreamRequest, { source: { kind: 'file', uri: VIDEO } }),
        (error: { code: number; message: string }) =>
          error.code === VlmErrorCodes.ModelInvalid && /no-such-model/.test(error.message),
      );
    } finally {
      await server.stop();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('bad media', () => {
  it('fails a corrupt or missing video with MediaUnreadable naming the file; the server goes on', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'vlm-server-test-'));
    const server = await startServer({ statsIntervalMs: 0 }, { VLM_CACHE_DIR: cacheDir });
    try {
      const fake = join(cacheDir, 'recording.mp4');
      writeFileSync(fake, 'this is not a video\n'.repeat(100));
      for (const path of [fake, join(cacheDir, 'missing.mp4')]) {
        await assert.rejects(
          server.connection.sendRequest(OpenStreamRequest, {
            source: { kind: 'file', uri: `file://${path}` },
          }),
          (error: { code: number; message: string }) =>
            error.code === VlmErrorCodes.MediaUnreadable && error.message.includes(path),
        );
      }
      const { streams } = await server.connection.sendRequest(ListStreamsRequest);
      assert.deepEqual(streams, []);
    } finally {
      await server.stop();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
