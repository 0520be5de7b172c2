// An ask about a file that is still encoding, over real LSP on the real server: with
// untilEncoded it waits, says so in its progress, and answers after the stream is encoded,
// covering the whole file; vlm/askAnswerNow ends the wait early and the answer says which
// span it covers. Closing a stream ends its "Encoding" progress and its encoding status at
// once, and reopening a saved stream (ready in milliseconds) leaves no progress behind.
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
  const open = async (sampleFps: number) =>
    server.connection.sendRequest(OpenStreamRequest, {
      source: { kind: 'file', uri: `file://${FIXTURES}/${VIDEO}` },
      sampleFps,
    });
  const encodingBegins = (from: number) =>
    progress
      .slice(from)
      .filter((p) => p.value.kind === 'begin' && p.value.title === `Encoding ${VIDEO}`)
      .map((p) => p.token);
  const ended = (token: string | number) =>
    progress.some((p) => p.token === token && p.value.kind === 'end');
  const settle = () => new Promise((r) => setTimeout(r, 500)); // status is coalesced 100 ms
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

  it('vlm/askAnswerNow ends the wait; the answer covers only what was encoded', async () => {
    const stream = await open(2);
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
      60_000,
      'the waiting progress',
    );
    await server.connection.sendNotification(AskAnswerNowNotification, { askId: 'now-1' });
    const answer = await asked;
    assert.equal(finalAt(stream.streamId), undefined, 'answered before the end of encoding');
    assert.equal(answer.coverage?.complete, false);
    assert.ok(answer.coverage!.toSec < DURATION_SEC - 1, `covers to ${answer.coverage!.toSec} s`);
    await server.connection.sendRequest(CloseStreamRequest, { streamId: stream.streamId });
  });

  it('closing a stream ends its Encoding progress and encoding status at once', async () => {
    const before = progress.length;
    const stream = await open(2);
    await until(() => encodingBegins(before).length > 0, 60_000, 'Encoding progress begins');
    await server.connection.sendRequest(CloseStreamRequest, { streamId: stream.streamId });
    const [token] = encodingBegins(before);
    assert.ok(ended(token), 'the Encoding progress ended by the time close answered');
    await settle();
    const last = engine.at(-1)!;
    assert.notEqual(last.state, 'encoding', `status after close: ${last.message}`);
    assert.equal(last.encoding, undefined);
  });

  it('with untilEncoded, waits for the encoding, says so, and covers the whole file', async () => {
    const stream = await open(1);
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
    assert.ok(answer.coverage!.toSec > DURATION_SEC - 1.5, `covers to ${answer.coverage!.toSec} s`);
    assert.ok(
      engine.some((s) => s.state === 'encoding' && s.encoding?.some((e) => e.label === VIDEO)),
      'engine status said encoding with the file',
    );
    await server.connection.sendRequest(CloseStreamRequest, { streamId: stream.streamId });
  });

  it('a reopened saved stream is ready at once and leaves no Encoding progress', async () => {
    const before = progress.length;
    const again = await open(1);
    await until(() => finalAt(again.streamId) !== undefined, 30_000, 'the saved stream is ready');
    const answer = await server.connection.sendRequest(AskRequest, {
      askId: 'reopened',
      streamId: again.streamId,
      question: 'What does the dialog offer?',
      maxTokens: 4,
      untilEncoded: true,
    });
    assert.equal(answer.coverage?.complete, true);
    await settle();
    for (const token of encodingBegins(before)) assert.ok(ended(token), `progress ${token} ended`);
    assert.notEqual(engine.at(-1)!.state, 'encoding');
    await server.connection.sendRequest(CloseStreamRequest, { streamId: again.streamId });
  });
});
