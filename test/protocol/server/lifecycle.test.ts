// The language server as a process: initialize, engine status, errors for bad requests
// (and the server still answering afterwards), limits, shutdown/exit with nothing left.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AskRequest,
  CloseStreamRequest,
  EngineStatusRequest,
  OpenStreamRequest,
  PROTOCOL_VERSION,
  SearchTextRequest,
  VlmErrorCodes,
  type VlmServerCapabilities,
} from '../../../protocol/protocol';
import { FIXTURES, SCREENS, startServer, type ServerUnderTest } from './harness';
import { descendants, isAlive } from './processes';

async function rejects(promise: Promise<unknown>, code: number, pattern: RegExp) {
  await assert.rejects(promise, (error: { code: number; message: string }) => {
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('language server lifecycle and errors', () => {
  let server: ServerUnderTest;
  before(async () => {
    server = await startServer({ limits: { maxStreams: 0 }, statsIntervalMs: 0 });
  });
  after(async () => {
    if (server.child.exitCode === null) await server.stop();
  });

  it('initializes with the vlm capabilities and the limits from initialization options', () => {
    const caps = server.initializeResult.capabilities;
    const vlm = (caps.experimental as { vlm: VlmServerCapabilities }).vlm;
    assert.equal(vlm.protocolVersion, PROTOCOL_VERSION);
    assert.equal(vlm.limits.maxStreams, 0);
    assert.equal(vlm.limits.concurrentJobs, 2);
    assert.ok(caps.hoverProvider);
    assert.ok(caps.codeLensProvider);
  });

  it('reports engine status', async () => {
    const status = await server.connection.sendRequest(EngineStatusRequest);
    assert.equal(status.state, 'idle');
    assert.equal(status.openStreams, 0);
    assert.ok(status.memoryBytes > 0);
  });

  it('answers malformed params with InvalidParams naming the field, then keeps working', async () => {
    await rejects(
      server.connection.sendRequest('vlm/ask', { askId: 'a1', question: 42, streamId: 's' }),
      VlmErrorCodes.InvalidParams,
      /'question'/,
    );
    await rejects(
      server.connection.sendRequest('vlm/ask', null),
      VlmErrorCodes.InvalidParams,
      /'params'/,
    );
    await rejects(
      server.connection.sendRequest('vlm/openStream', { source: { kind: 'tape' } }),
      VlmErrorCodes.InvalidParams,
      /source\.kind/,
    );
    await rejects(
      server.connection.sendRequest('vlm/analyzeScreenshot', { image: { pixels: [1, 2, 3] } }),
      VlmErrorCodes.InvalidParams,
      /'image'/,
    );
    await rejects(server.connection.sendRequest('vlm/noSuchMethod', {}), -32601, /noSuchMethod/);
    const status = await server.connection.sendRequest(EngineStatusRequest);
    assert.equal(status.state, 'idle');
  });

  it('answers unknown streams with UnknownStream', async () => {
    await rejects(
      server.connection.sendRequest(AskRequest, {
        askId: 'a2',
        streamId: 'nope',
        question: 'what?',
      }),
      VlmErrorCodes.UnknownStream,
      /nope/,
    );
    await rejects(
      server.connection.sendRequest(CloseStreamRequest, { streamId: 'nope' }),
      VlmErrorCodes.UnknownStream,
      /nope/,
    );
    await rejects(
      server.connection.sendRequest(SearchTextRequest, { streamId: 'nope', query: 'Save' }),
      VlmErrorCodes.UnknownStream,
      /nope/,
    );
  });

  it('rejects a stream beyond maxStreams with TooManyStreams naming the limit', async () => {
    await rejects(
      server.connection.sendRequest(OpenStreamRequest, {
        source: { kind: 'file', uri: `file://${FIXTURES}/silent-film-street-scene.mp4` },
      }),
      VlmErrorCodes.TooManyStreams,
      /maxStreams = 0/,
    );
  });

  it('shuts down and exits with code 0, leaving no child processes', async () => {
    const pid = server.child.pid!;
    const children = descendants(pid);
    const code = await server.stop();
    assert.equal(code, 0);
    const survivors = children.filter(isAlive);
    assert.deepEqual(survivors, [], `processes left behind: ${survivors.join(', ')}`);
  });
});

describe('memory budget', () => {
  it('rejects work when the engine is over memoryBudgetMb', async () => {
    const server = await startServer({ limits: { memoryBudgetMb: 1 }, statsIntervalMs: 0 });
    try {
      await rejects(
        server.connection.sendRequest('vlm/analyzeScreenshot', {
          image: { uri: `file://${SCREENS}/vscode-package-explorer-tree.png` },
        }),
        VlmErrorCodes.MemoryBudgetExceeded,
        /memoryBudgetMb = 1/,
      );
    } finally {
      await server.stop();
    }
  });

  it('reports a bad limit setting and keeps the default', async () => {
    const server = await startServer({
      limits: { concurrentJobs: -3 } as never,
      statsIntervalMs: 0,
    });
    try {
      const vlm = (
        server.initializeResult.capabilities.experimental as { vlm: VlmServerCapabilities }
      ).vlm;
      assert.equal(vlm.limits.concurrentJobs, 2);
      assert.ok(
        server.messages.some((m) => /vlm\.limits\.concurrentJobs = -3/.test(m.message)),
        JSON.stringify(server.messages),
      );
    } finally {
      await server.stop();
    }
  });
});
