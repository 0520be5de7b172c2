// Screenshot analysis end to end through the real server (agents use it the same way):
// text elements with boxes, a query that finds a button, base64 input, and a bad image
// that fails with a named problem while the server goes on.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AnalyzeScreenshotRequest,
  EngineStatusRequest,
  OpenStreamRequest,
  SearchTextRequest,
  VlmErrorCodes,
} from '../../../protocol/protocol';
import { SCREENS, startServer, withTimeout, type ServerUnderTest } from './harness';

const DIALOG = `${SCREENS}/windows-terminal-keybinding-edit-dialog.png`;

describe('vlm/analyzeScreenshot and vlm/searchText', () => {
  let server: ServerUnderTest;
  let cacheDir: string;
  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'vlm-server-test-'));
    server = await startServer({ statsIntervalMs: 0 }, { VLM_CACHE_DIR: cacheDir });
  });
  after(async () => {
    await server.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('reads the text of a screenshot and finds the Save button', async () => {
    const result = await withTimeout(
      server.connection.sendRequest(AnalyzeScreenshotRequest, {
        image: { uri: `file://${DIALOG}` },
        query: 'Save button',
      }),
      60_000,
      'analyzeScreenshot',
    );
    assert.equal(result.width, 1130);
    assert.equal(result.height, 821);
    assert.ok(result.elements.some((e) => e.text === 'Keyboard'));
    assert.ok(result.lines?.some((l) => /Windows Terminal/.test(l.text)));
    const best = result.matches[0];
    assert.equal(best.text, 'Save');
    assert.equal(best.role, 'button');
    assert.ok(best.box.width > 0 && best.box.x + best.box.width <= result.width);
    // The elements agents act on: the dialog's Save button with its control box in a panel.
    const save = result.ui?.find((e) => e.text === 'Save' && e.box.y < 500);
    assert.deepEqual([save?.role, save?.interactable], ['button', true]);
    assert.ok(save!.box.width >= 85 && save!.box.height >= 40, JSON.stringify(save!.box));
    assert.equal(result.ui![save!.parent!].role, 'panel');
  });

  it('accepts the image as base64', async () => {
    const base64 = readFileSync(`${SCREENS}/vscode-package-explorer-tree.png`).toString('base64');
    const result = await withTimeout(
      server.connection.sendRequest(AnalyzeScreenshotRequest, {
        image: { base64, mimeType: 'image/png' },
      }),
      60_000,
      'analyzeScreenshot base64',
    );
    assert.ok(result.lines?.some((l) => /PACKAGE EXPLORER/.test(l.text)));
  });

  it('fails a broken image with MediaUnreadable naming it, and keeps serving', async () => {
    await assert.rejects(
      server.connection.sendRequest(AnalyzeScreenshotRequest, {
        image: { base64: Buffer.from('not an image at all').toString('base64') },
      }),
      (error: { code: number; message: string }) =>
        error.code === VlmErrorCodes.MediaUnreadable && /image/.test(error.message),
    );
    await assert.rejects(
      server.connection.sendRequest(AnalyzeScreenshotRequest, {
        image: { uri: 'file:///no/such/shot.png' },
      }),
      (error: { code: number; message: string }) =>
        error.code === VlmErrorCodes.MediaUnreadable && /shot\.png/.test(error.message),
    );
    const status = await server.connection.sendRequest(EngineStatusRequest);
    assert.ok(status.capabilities.includes('ocr'));
  });

  it('searches the on-screen text of a stream', async () => {
    const { streamId } = await server.connection.sendRequest(OpenStreamRequest, {
      source: { kind: 'file', uri: `file://${SCREENS}/vscode-package-explorer-tree.png` },
      waitForEncoding: true,
    });
    const result = await withTimeout(
      server.connection.sendRequest(SearchTextRequest, { streamId, query: 'gc-signals' }),
      60_000,
      'searchText',
    );
    assert.equal(result.streamId, streamId);
    assert.match(result.hits[0].text, /gc-signals/);
    assert.equal(result.hits[0].timeSec, 0);
    assert.equal(result.hits[0].score, 1);
  });
});
