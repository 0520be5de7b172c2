// An ask about a file that is still encoding, over real LSP on the real server: with
// untilEncoded it waits, says so in its progress, and answers after the stream is encoded,
// covering the whole file; vlm/askAnswerNow ends the wait early and the answer says which
// span it covers; without untilEncoded it answers at once from what is encoded. Closing a
// stream ends its "Encoding" progress and its encoding status at once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AskAnswerNowNotification,
  AskRequest,
  CloseStreamRequest,
  EngineStatusNotification,
  OpenStreamRequest,
  StreamStatusNotification,
  type EngineStatus,
  type StreamSummary,
} from '../../../protocol/protocol';
import { FIXTURES, startServer, withTimeout, type ServerUnderTest } from './harness';

const VIDEO = 'lazygit-nuke-working-tree.mp4';
const DURATION_SEC = 11.39;

interface ProgressEvent {
  token: string | number;
  value: { kind: 'begin' | 'report' | 'end'; title?: string; message?: string };
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  await withTimeout(
    (async () => {
      while (!check()) await new Promise((resolve) => setTimeout(resolve, 25));
    })(),
    ms,
    what,
  );
}

describe('an ask while its file is encoding', () => {
  let cacheDir: string;
  let server: ServerUnderTest;
  const progress: ProgressEvent[] = [];
  const statuses: { at: number; summary: StreamSummary }[] = [];
  const engine: EngineStatus[] = [];
  const open = async () =>
    server.connection.sendRequest(OpenStreamRequest, {
      source: { kind: 'file', uri: `file://${FIXTURES}/${VIDEO}` },
      // 4 fps: long enough to encode that an ask reliably comes before the end.
      sampleFps: 4,
    });
  const finalAt = (streamId: string) =>
    statuses.find((s) => s.summary.streamId === streamId && s.summary.state === 'ready')?.at;

  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'vlm-ask-wait-'));
    server = await startServer({ statsIntervalMs: 0 }, { VLM_CACHE_DIR: cacheDir });
    server.connection.onRequest('window/workDoneProgress/create', () => null);
    server.connection.onNotification('$/progress', (p: ProgressEvent) => progress.push(p));
    server.connection.onNotification(StreamStatusNotification, (summary) =>
      statuses.push({ at: Date.now(), summary }),
    );
    server.connection.onNotification(EngineStatusNotification, (p) => engine.push(p));
  });
  after(async () => {
    await server.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('with untilEncoded, waits for the encoding, says so, and covers the whole file', async () => {
    const stream = await open();
    assert.equal(stream.state, 'encoding');
    const answer = await server.connection.sendRequest(AskRequest, {
      askId: 'wait-1',
      streamId: stream.streamId,
      question: 'What does the dialog offer?',
      maxTokens: 4,
      untilEncoded: true,
      workDoneToken: 'ask-wait-1',
    });
    const answeredAt = Date.now();
    const messages = progress
      .filter((p) => p.token === 'ask-wait-1')
      .map((p) => p.value.message ?? '');
    assert.ok(
      messages.some((m) =>
        new RegExp(`^Encoding ${VIDEO}: \\d+% — the answer follows when it is encoded$`).test(m),
      ),
      `progress says it waits for the encoding: ${messages.join(' | ')}`,
    );
    const readyAt = finalAt(stream.streamId);
    assert.ok(
      readyAt !== undefined && readyAt <= answeredAt,
      'answered after the stream was ready',
    );
    assert.equal(answer.coverage?.complete, true);
    assert.equal(answer.coverage?.live, false);
    assert.ok(answer.coverage!.toSec > DURATION_SEC - 1, `covers to ${answer.coverage!.toSec} s`);
    // The status named the file and its percentage while it encoded.
    assert.ok(
      engine.some((s) => s.state === 'encoding' && s.encoding?.some((e) => e.label === VIDEO)),
      'engine status said encoding with the file',
    );
    await server.connection.sendRequest(CloseStreamRequest, { streamId: stream.streamId });
  });

  it('vlm/askAnswerNow ends the wait; the answer covers only what was encoded', async () => {
    const stream = await open();
    const asked = server.connection.sendRequest(AskRequest, {
      askId: 'now-1',
      streamId: stream.streamId,
      question: 'What is on screen?',
      maxTokens: 4,
      untilEncoded: true,
      workDoneToken: 'ask-now-1',
    });
    await until(
      () =>
        progress.some((p) => p.token === 'ask-now-1' && /^Encoding /.test(p.value.message ?? '')),
      30_000,
      'the waiting progress',
    );
    await server.connection.sendNotification(AskAnswerNowNotification, { askId: 'now-1' });
    const answer = await asked;
    const answeredAt = Date.now();
    const readyAt = finalAt(stream.streamId);
    assert.ok(readyAt === undefined || readyAt > answeredAt - 50, 'answered before the end');
    assert.equal(answer.coverage?.complete, false);
    assert.ok(answer.coverage!.toSec < DURATION_SEC - 1, `covers to ${answer.coverage!.toSec} s`);
    await server.connection.sendRequest(CloseStreamRequest, { streamId: stream.streamId });
  });

  it('closing a stream ends its Encoding progress and encoding status at once', async () => {
    const before = progress.length;
    const stream = await open();
    await until(
      () =>
        progress
          .slice(before)
          .some((p) => p.value.kind === 'begin' && p.value.title === `Encoding ${VIDEO}`),
      30_000,
      'Encoding progress begins',
    );
    const token = progress
      .slice(before)
      .find((p) => p.value.kind === 'begin' && p.value.title === `Encoding ${VIDEO}`)!.token;
    await server.connection.sendRequest(CloseStreamRequest, { streamId: stream.streamId });
    assert.ok(
      progress.some((p) => p.token === token && p.value.kind === 'end'),
      'the Encoding progress ended by the time close answered',
    );
    const engineBefore = engine.length;
    await until(
      () => engine.length > engineBefore || engine.at(-1)?.state !== 'encoding',
      2_000,
      'status',
    );
    await new Promise((r) => setTimeout(r, 400));
    const last = engine.at(-1)!;
    assert.notEqual(last.state, 'encoding', `status after close: ${last.message}`);
    assert.equal(last.encoding, undefined);

    // Reopened: a new stream with its own progress, which ends when it is encoded.
    const again = await open();
    assert.notEqual(again.streamId, stream.streamId);
    await until(
      () => finalAt(again.streamId) !== undefined,
      180_000,
      'the reopened stream is ready',
    );
    await new Promise((r) => setTimeout(r, 400));
    const begun = progress
      .filter((p) => p.value.kind === 'begin' && p.value.title === `Encoding ${VIDEO}`)
      .map((p) => p.token);
    for (const t of begun)
      assert.ok(
        progress.some((p) => p.token === t && p.value.kind === 'end'),
        `progress ${String(t)} ended`,
      );
    assert.notEqual(engine.at(-1)!.state, 'encoding');
    await server.connection.sendRequest(CloseStreamRequest, { streamId: again.streamId });
  });
});
