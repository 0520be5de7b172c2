// vlm/timeline over stdio: a real screen recording opened as a stream gives its typed lines
// and UI events in time order; a stream that is not open, or bad params, get clear errors.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CloseStreamRequest,
  OpenStreamRequest,
  TimelineRequest,
  VlmErrorCodes,
} from '../../../protocol/protocol';
import { FIXTURES, startServer, withTimeout, type ServerUnderTest } from './harness';

const RECORDING = `${FIXTURES}/windows-terminal-powershell-autocomplete.gif`;

describe('vlm/timeline', () => {
  let server: ServerUnderTest;
  let cacheDir: string;
  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'vlm-timeline-test-'));
    server = await startServer({ statsIntervalMs: 0 }, { VLM_CACHE_DIR: cacheDir });
  });
  after(async () => {
    await server.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('lists what happens in a screen recording, in time order', { timeout: 300_000 }, async () => {
    const { streamId } = await withTimeout(
      server.connection.sendRequest(OpenStreamRequest, {
        source: { kind: 'file', uri: `file://${RECORDING}` },
        waitForEncoding: true,
      }),
      240_000,
      'openStream',
    );
    const result = await server.connection.sendRequest(TimelineRequest, { streamId });
    assert.equal(result.streamId, streamId);
    assert.ok(result.durationSec > 15, `duration ${result.durationSec}`);
    assert.ok(result.textTracks > 20, `text tracks ${result.textTracks}`);
    const times = result.moments.map((m) => m.timeSec);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
    // The command typed at the prompt from 0:02, with where it was typed.
    const typed = result.moments.find((m) => m.kind === 'typed' && /Get-/.test(m.text ?? ''));
    assert.ok(typed, JSON.stringify(result.moments.map((m) => [m.timeSec, m.kind, m.text])));
    assert.equal(typed.timeSec, 2);
    assert.match(typed.label, /^typed until 0:0\d$/);
    assert.ok(typed.box!.width > 0 && typed.box!.height > 0);
    // The completion list that opened and closed around the choice.
    const ui = result.moments.filter((m) => m.kind === 'ui');
    assert.ok(ui.some((m) => /appeared$/.test(m.label)));
    assert.ok(ui.some((m) => /disappeared$/.test(m.label)));
    await server.connection.sendRequest(CloseStreamRequest, { streamId });
  });

  it('names a stream that is not open, and refuses params without a stream id', async () => {
    await assert.rejects(
      server.connection.sendRequest(TimelineRequest, { streamId: 's-404' }),
      (error: { code: number; message: string }) =>
        error.code === VlmErrorCodes.UnknownStream && /s-404/.test(error.message),
    );
    await assert.rejects(
      server.connection.sendRequest(TimelineRequest, {} as never),
      (error: { code: number; message: string }) => /streamId/.test(error.message),
    );
  });
});
