// vlm/analyzeScreenshot with a `session`, through the real server over stdio: a pair of
// frames cut from a real recording, the second one reusing readings and answering what a
// request without a session answers; a bad name is InvalidParams naming the field and
// the server goes on.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ResponseError } from 'vscode-jsonrpc';
import sharp from 'sharp';
import { loadPair, SCREEN_PAIRS } from '../../../engine/bench/support/screen-pairs';
import {
  AnalyzeScreenshotRequest,
  VlmErrorCodes,
  type ScreenshotAnalysis,
} from '../../../protocol/protocol';
import { startServer, withTimeout, type ServerUnderTest } from './harness';

describe('vlm/analyzeScreenshot with a session', () => {
  let server: ServerUnderTest;
  let work: string;
  const frames: string[] = [];
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'vlm-server-session-'));
    const pair = SCREEN_PAIRS.find((p) => p.id === 'thefuck-output')!;
    for (const [i, image] of (await loadPair(pair)).entries()) {
      const path = join(work, `frame-${i}.png`);
      await sharp(image.rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
        .png()
        .toFile(path);
      frames.push(path);
    }
    server = await startServer({ statsIntervalMs: 0 }, { VLM_CACHE_DIR: join(work, 'cache') });
  });
  after(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const analyze = (path: string, session?: string) =>
    withTimeout(
      server.connection.sendRequest(AnalyzeScreenshotRequest, {
        image: { uri: `file://${path}` },
        ...(session ? { session } : {}),
      }),
      120_000,
      'analyzeScreenshot',
    );
  const content = ({ timings, session, ...rest }: ScreenshotAnalysis) => {
    void timings;
    void session;
    return rest;
  };

  it("reuses the session's readings and answers what a request without a session answers", async () => {
    const first = await analyze(frames[0], 'agent');
    assert.equal(first.session?.reason, 'new session');
    const second = await analyze(frames[1], 'agent');
    assert.equal(second.session?.mode, 'incremental');
    assert.ok(second.session!.reusedCrops > 0, JSON.stringify(second.session));
    const plain = await analyze(frames[1]);
    assert.equal(plain.session, undefined);
    assert.deepEqual(content(second), content(plain));
  });

  it('refuses a bad session name with InvalidParams naming the field', async () => {
    await assert.rejects(analyze(frames[0], 'bad name!'), (error: ResponseError<unknown>) => {
      assert.equal(error.code, VlmErrorCodes.InvalidParams);
      assert.match(error.message, /'session' session name "bad name!": may hold only letters/);
      return true;
    });
    const after = await analyze(frames[0], 'agent');
    assert.equal(after.session?.screenshot, 3);
  });
});
