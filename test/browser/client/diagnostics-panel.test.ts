// The diagnostics panel in real headless Chromium: the HTML the extension serves (strict
// CSP, assets from media/), fed a recorded session of server notifications through the
// same adapter the extension uses; checks what it shows, that it restores its state after a
// reload (as when VS Code hides and shows a webview), and saves screenshots per theme.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { diagnosticsHtml } from '../../../client/diagnostics/html';
import { askSample, panelMessageFromNotification } from '../../../client/diagnostics/adapter';
import {
  PanelFeed,
  type PanelBudgets,
  type PanelMessage,
} from '../../../client/diagnostics/messages';
import type { AskResult, CacheStatsResult } from '../../../protocol/protocol';
import { launchChromium } from './chromium';
import { openWebview, serveWebview, type WebviewHost } from './webview-host';
import { themes } from './themes';

interface Recorded {
  atMs: number;
  method: string;
  params: { streamId?: string };
  result?: AskResult;
  firstTokenMs?: number;
}

/** A hand-written session in the shape of a server that sends tier counts only. */
const session: Recorded[] = readSession('diagnostics-session.json');
/** A session recorded from the real server by record-session.ts (exact blocks per tier). */
const recorded: Recorded[] = readSession('diagnostics-recorded.json');

function readSession(file: string): Recorded[] {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', file), 'utf8'));
}
const budgets: PanelBudgets = {
  sinkTokens: 128,
  recentBlocks: 8,
  topK: 4,
  maxContextTokens: 8192,
  memoryBytes: 4096 * 2 ** 20,
  diskBytes: 4096 * 2 ** 20,
};
const artifacts = 'test-artifacts';

function toPanelMessages(from: Recorded[] = session): PanelMessage[] {
  const messages: PanelMessage[] = [{ type: 'budgets', budgets }];
  for (const r of from) {
    if (r.method === 'vlm/ask') {
      messages.push({
        type: 'ask',
        atMs: r.atMs,
        ...askSample(r.result!, r.params.streamId, r.firstTokenMs),
      });
    } else {
      const m = panelMessageFromNotification(r.method, r.params, r.atMs);
      if (m) messages.push(m);
    }
  }
  return messages;
}

let host: WebviewHost;
let browser: Browser;

before(async () => {
  const html = diagnosticsHtml({
    cspSource: 'http://127.0.0.1:*',
    scriptUri: '/media/diagnostics.js',
    styleUri: '/media/diagnostics.css',
  });
  host = await serveWebview(html, ['diagnostics.js', 'diagnostics.css']);
  browser = await launchChromium();
  mkdirSync(artifacts, { recursive: true });
});

after(async () => {
  await browser?.close();
  await host?.close();
});

const openPanel = () => openWebview(browser, host.origin, { width: 900, height: 760 });

async function post(page: Page, messages: PanelMessage[]) {
  await page.evaluate((ms) => ms.forEach((m) => window.postMessage(m, '*')), messages);
  await page.waitForFunction(
    (n) => JSON.parse(sessionStorage.getItem('vscode-state') ?? 'null') !== null || n === 0,
    messages.length,
  );
}

const text = (page: Page, selector: string) => page.locator(selector).first().innerText();

test('the recorded session draws tiers, timeline, latency charts, gate and memory', async () => {
  const page = await openPanel();
  assert.deepEqual(
    await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted),
    [{ type: 'ready' }],
  );
  await post(page, toPanelMessages());

  assert.match(
    await text(page, '[data-tier=sink] .bar-detail'),
    /^128 tokens \/ 128 tokens · 5\.6 MiB$/,
  );
  assert.match(
    await text(page, '[data-tier=recent] .bar-detail'),
    /^8 \/ 8 frames · 512 tokens · 22\.5 MiB$/,
  );
  assert.match(
    await text(page, '[data-tier=retrieved] .bar-detail'),
    /^3 \/ 4 blocks · 192 tokens$/,
  );
  assert.match(await text(page, '[data-tier=disk] .bar-detail'), /MiB \/ 4\.0 GiB$/);
  assert.match(await text(page, '#engine'), /^idle$/);
  assert.match(await text(page, '#stream-select'), /lazygit-nuke-working-tree\.mp4 \(ready\)/);

  // 20 frames encoded: 12 offloaded, 8 resident; the last question retrieved 3 (scores shown).
  assert.equal(await page.locator('rect.block.offloaded').count(), 12);
  assert.equal(await page.locator('rect.block.resident').count(), 8);
  assert.equal(await page.locator('rect.block.retrieved').count(), 3);
  assert.deepEqual(await page.locator('text.score').allTextContents(), ['0.74', '0.58', '0.41']);

  assert.equal(await text(page, '[data-metric="Time to first token"] .metric-value'), '540 ms');
  assert.equal(await text(page, '[data-metric="Time per output token"] .metric-value'), '38 ms');
  assert.match(await text(page, '[data-metric="Encode frames/s"] .metric-value'), /^\d\.\d fps$/);
  assert.equal(await page.locator('.sparkline polyline').count(), 3);

  assert.equal(await text(page, '[data-tier=gate] .bar-detail'), '17% skipped · 4 of 24 frames');
  assert.match(await text(page, '[data-tier=memory] .bar-detail'), /^528\.0 MiB \/ 4\.0 GiB$/);

  // Clicking a retrieved timestamp asks the host to show that frame.
  await page.locator('a.timestamp').first().click();
  const posted = await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
  assert.deepEqual(posted.at(-1), { type: 'showFrame', streamId: 's1', timeSec: 4.8 });

  assert.deepEqual(
    await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations),
    [],
  );
  await page.close();
});

test('a session recorded from the real server draws every block at its time and tier', async () => {
  const stats = recorded.filter((r) => r.method === 'vlm/cacheStatsChanged').at(-1)!
    .params as unknown as CacheStatsResult;
  const last = stats.streams[0];
  const blocks = last.blocks!;
  const tierCount = (tier: string) => blocks.filter((b) => b.tier === tier).length;
  assert.ok(tierCount('ram') + tierCount('disk') > 0, 'the recording has offloaded blocks');
  const page = await openPanel();
  await post(page, toPanelMessages(recorded));

  assert.equal(await page.locator('rect.block.sink').count(), tierCount('sink'));
  assert.equal(await page.locator('rect.block.offloaded').count(), tierCount('ram'));
  assert.equal(await page.locator('rect.block.disk').count(), tierCount('disk'));
  assert.equal(await page.locator('rect.block.resident').count(), tierCount('recent'));
  // Only the blocks brought back from the offloaded tier are marked retrieved.
  const ask = recorded.find((r) => r.method === 'vlm/ask')!.result!;
  const broughtBack = ask.evidence.filter((e) => e.retrieved);
  assert.ok(broughtBack.length > 0 && broughtBack.length < ask.evidence.length);
  assert.equal(await page.locator('rect.block.retrieved').count(), broughtBack.length);
  // Blocks sit in time order from left to right.
  const xs = await page
    .locator('rect.block.offloaded, rect.block.resident')
    .evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('x'))));
  assert.deepEqual(
    xs,
    [...xs].sort((a, b) => a - b),
  );
  await page.screenshot({ path: join(artifacts, 'diagnostics-recorded.png'), fullPage: true });
  await page.close();
});

test('the CSP blocks inline script; only the nonce-carrying media script runs', async () => {
  const page = await openPanel();
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.appendChild(s);
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
  });
  assert.equal(ran, false);
  const violations = await page.evaluate(
    () => (window as unknown as { __cspViolations: string[] }).__cspViolations,
  );
  assert.ok(
    violations.some((v) => v.startsWith('script-src')),
    violations.join('; '),
  );
  await page.close();
});

test('state survives a reload (hidden webview) and a replay from the host brings it up to date', async () => {
  const page = await openPanel();
  const messages = toPanelMessages();
  const half = messages.findIndex((m) => m.type === 'ask');
  await post(page, messages.slice(0, half));
  const before = await text(page, '[data-tier=recent] .bar-detail');
  await page.reload();
  assert.equal(
    await text(page, '[data-tier=recent] .bar-detail'),
    before,
    'restored from getState before any message',
  );

  const feed = new PanelFeed();
  messages.forEach((m) => feed.record(m));
  await post(page, [feed.replay()]);
  assert.equal(await text(page, '[data-metric="Time to first token"] .metric-value'), '540 ms');
  assert.equal(await page.locator('rect.block.retrieved').count(), 3);
  await page.close();
});

for (const theme of themes) {
  test(`screenshot in the ${theme.name} theme`, async () => {
    const page = await openPanel();
    await page.evaluate(({ vars, bodyClass }) => {
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
      document.body.classList.add(bodyClass);
    }, theme);
    await post(page, toPanelMessages());
    const file = join(artifacts, `diagnostics-panel-${theme.name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    const png = readFileSync(file);
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, theme.expectedBackground);
    await page.close();
  });
}
