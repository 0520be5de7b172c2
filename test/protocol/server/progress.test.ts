// Work-done progress: client-initiated (workDoneToken on openStream) and server-initiated
// "Encoding" progress that the editor can cancel, which stops encoding and keeps the
// stream askable; engine status notifications follow the work.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AskRequest,
  EngineStatusNotification,
  OpenStreamRequest,
  StreamStatusNotification,
  type EngineStatus,
  type StreamSummary,
} from '../../../protocol/protocol';
import { FIXTURES, startServer, withTimeout, type ServerUnderTest } from './harness';

interface ProgressEvent {
  token: string | number;
  value: {
    kind: 'begin' | 'report' | 'end';
    title?: string;
    cancellable?: boolean;
    percentage?: number;
  };
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

describe('work-done progress', () => {
  let cacheDir: string;
  let server: ServerUnderTest;
  const progress: ProgressEvent[] = [];
  const created: (string | number)[] = [];
  const statuses: StreamSummary[] = [];
  const engine: EngineStatus[] = [];

  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'vlm-server-test-'));
    server = await startServer({ statsIntervalMs: 0 }, { VLM_CACHE_DIR: cacheDir });
    server.connection.onRequest(
      'window/workDoneProgress/create',
      (p: { token: string | number }) => {
        created.push(p.token);
        return null;
      },
    );
    server.connection.onNotification('$/progress', (p: ProgressEvent) => progress.push(p));
    server.connection.onNotification(StreamStatusNotification, (p) => statuses.push(p));
    server.connection.onNotification(EngineStatusNotification, (p) => engine.push(p));
  });
  after(async () => {
    await server.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it("reports openStream's progress on the client's token, begin to end", async () => {
    await server.connection.sendRequest(OpenStreamRequest, {
      source: { kind: 'file', uri: `file://${FIXTURES}/dog-in-basket-fireplace.mp4` },
      waitForEncoding: true,
      workDoneToken: 'open-1',
    });
    const mine = progress.filter((p) => p.token === 'open-1').map((p) => p.value.kind);
    assert.equal(mine[0], 'begin');
    assert.equal(mine.at(-1), 'end');
    assert.equal(progress.find((p) => p.token === 'open-1')?.value.cancellable, true);
  });

  it('stops encoding when the editor cancels the server-initiated progress; the stream stays askable', async () => {
    const before = created.length;
    const summary = await server.connection.sendRequest(OpenStreamRequest, {
      source: { kind: 'file', uri: `file://${FIXTURES}/silent-film-street-scene.mp4` },
      sampleFps: 25,
    });
    await until(
      () =>
        created
          .slice(before)
          .some((t) =>
            progress.some(
              (p) =>
                p.token === t && p.value.kind === 'begin' && /Encoding/.test(p.value.title ?? ''),
            ),
          ),
      20_000,
      'Encoding progress begins',
    );
    const token = created
      .slice(before)
      .find((t) => progress.some((p) => p.token === t && /Encoding/.test(p.value.title ?? '')))!;
    await server.connection.sendNotification('window/workDoneProgress/cancel', { token });
    await until(
      () =>
        statuses.some(
          (s) => s.streamId === summary.streamId && (s.state === 'ended' || s.state === 'ready'),
        ),
      30_000,
      'stream stops encoding',
    );
    const final = statuses.filter((s) => s.streamId === summary.streamId).at(-1)!;
    assert.equal(final.state, 'ended', 'cancelled before the 9.6 s video was encoded at 25 fps');
    assert.ok(final.framesEncoded + final.framesSkipped < 241, `${final.framesEncoded} frames`);
    assert.ok(progress.some((p) => p.token === token && p.value.kind === 'end'));
    const answer = await server.connection.sendRequest(AskRequest, {
      askId: 'after-cancel',
      streamId: summary.streamId,
      question: 'What went wrong?',
      maxTokens: 3,
    });
    assert.equal(answer.askId, 'after-cancel');
  });

  it('sent engine status notifications as the work went on', async () => {
    // Status changes are coalesced for 100 ms before they are sent, so the last one may
    // still be on its way when the previous test ends.
    await until(() => engine.some((s) => s.openStreams >= 1), 5_000, 'status with open streams');
    assert.ok(engine.length > 0);
    assert.ok(engine.every((s) => typeof s.message === 'string' && s.message.length > 0));
  });
});
