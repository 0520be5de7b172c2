// The diagnostics panel in real headless Chromium: the HTML the extension serves (strict
// CSP, assets from media/), fed a recorded session of server notifications through the
// same adapter the extension uses; checks what it shows, that it restores its state after a
// reload (as when VS Code hides and shows a webview), and saves screenshots per theme.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { diagnosticsHtml } from '../../../client/diagnostics/html';
import { askSample, panelMessageFromNotification } from '../../../client/diagnostics/adapter';
import {
  PanelFeed,
  type PanelBudgets,
  type PanelMessage,
} from '../../../client/diagnostics/messages';
import type { AskResult, CacheStatsResult, StreamSummary } from '../../../protocol/protocol';
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

// ---- the stream picker ------------------------------------------------------------------

function streamMessage(streamId: string, uri: string, state: StreamSummary['state']): PanelMessage {
  return {
    type: 'stream',
    stream: {
      streamId,
      label: streamId,
      source: { kind: 'file', uri },
      state,
      framesDecoded: 0,
      framesEncoded: 0,
      framesSkipped: 0,
      encodedUntilSec: 0,
    },
  };
}

const options = (page: Page) =>
  page
    .locator('#stream-select option')
    .evaluateAll((os) =>
      os.map((o) => ({ text: o.textContent, value: (o as HTMLOptionElement).value })),
    );
const selected = (page: Page) => page.locator('#stream-select').inputValue();

test('the stream picker names streams by file, follows the encoding one, and drops closed ones', async () => {
  const page = await openPanel();
  await post(page, [
    { type: 'budgets', budgets },
    streamMessage('stream-1', 'file:///home/ana/a/clip.mp4', 'ready'),
    streamMessage('stream-2', 'file:///home/ana/b/clip.mp4', 'encoding'),
    streamMessage('stream-3', 'file:///home/ana/b/bug%20report.webm', 'ready'),
  ]);
  assert.deepEqual(await options(page), [
    { text: 'clip.mp4 — a (ready)', value: 'stream-1' },
    { text: 'clip.mp4 — b (encoding)', value: 'stream-2' },
    { text: 'bug report.webm (ready)', value: 'stream-3' },
  ]);
  assert.equal(await selected(page), 'stream-2', 'the stream receiving frames is selected');

  // A new stream that starts encoding takes the selection while the user has not picked one.
  await post(page, [streamMessage('stream-4', 'file:///w/demo.mkv', 'encoding')]);
  assert.equal(await selected(page), 'stream-4');

  // Once the user picks, the panel stays on that stream.
  await page.locator('#stream-select').selectOption('stream-1');
  await post(page, [streamMessage('stream-5', 'file:///w/later.mp4', 'encoding')]);
  assert.equal(await selected(page), 'stream-1');

  // Closed streams leave the picker, statistics and all; no raw id is ever shown.
  const stats = recorded.filter((r) => r.method === 'vlm/cacheStatsChanged').at(-1)!
    .params as unknown as CacheStatsResult;
  await post(page, [
    {
      type: 'stats',
      atMs: 1,
      stats: { ...stats, streams: [{ ...stats.streams[0], streamId: 'stream-2' }] },
    },
    streamMessage('stream-2', 'file:///home/ana/b/clip.mp4', 'closed'),
    streamMessage('stream-1', 'file:///home/ana/a/clip.mp4', 'closed'),
  ]);
  const left = await options(page);
  assert.deepEqual(
    left.map((o) => o.value),
    ['stream-3', 'stream-4', 'stream-5'],
  );
  assert.ok(
    left.every((o) => !/stream-\d/.test(o.text ?? '')),
    JSON.stringify(left),
  );
  assert.equal(left[0].text, 'bug report.webm (ready)');
  await page.close();
});

// ---- layout at a narrow and a wide panel ------------------------------------------------

const LABELS =
  'h1, h2, label, .bar-label, .bar-detail, .legend-item, .metric-name, .metric-value, .engine, .empty, .retrieved-list li';

for (const width of [400, 1600]) {
  test(`at ${width} px no label is clipped, the blocks use the full width, and tier bytes are plotted`, async () => {
    const page = await openWebview(browser, host.origin, { width, height: 1000 });
    await post(page, toPanelMessages());
    await page.waitForTimeout(100);

    const problems = await page.evaluate((selector) => {
      const panel = document.documentElement.clientWidth;
      const out: string[] = [];
      if (document.documentElement.scrollWidth > panel) {
        out.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${panel}`);
      }
      document.querySelectorAll<HTMLElement>(selector).forEach((node) => {
        const name = `${node.tagName.toLowerCase()}.${node.className} "${node.textContent?.slice(0, 30)}"`;
        if (node.scrollWidth > node.clientWidth) {
          out.push(`${name} overflows: ${node.scrollWidth} > ${node.clientWidth}`);
        }
        const box = node.getBoundingClientRect();
        if (box.left < 0 || box.right > panel + 0.5) {
          out.push(`${name} outside the panel: ${box.left}..${box.right} of ${panel}`);
        }
      });
      // SVG labels (scores, axes) stay inside their chart.
      document.querySelectorAll<SVGTextElement>('svg text').forEach((node) => {
        const box = node.getBoundingClientRect();
        const chart = node.ownerSVGElement!.getBoundingClientRect();
        if (box.left < chart.left - 0.5 || box.right > chart.right + 0.5) {
          out.push(
            `svg text "${node.textContent}" ${box.left}..${box.right} outside ${chart.left}..${chart.right}`,
          );
        }
      });
      // Score labels do not overlap one another.
      const scores = Array.from(document.querySelectorAll('text.score')).map((t) =>
        t.getBoundingClientRect(),
      );
      scores.forEach((a, i) =>
        scores.slice(i + 1).forEach((b) => {
          if (a.left < b.right && b.left < a.right) out.push(`score labels overlap at ${a.left}`);
        }),
      );
      return out;
    }, LABELS);
    assert.ok((await page.locator('text.score').count()) >= 2, 'scores are labelled');
    assert.deepEqual(problems, []);
    assert.ok((await page.locator(LABELS).count()) > 20, 'labels were checked');

    const strip = await page.evaluate(() => {
      const container = document.getElementById('timeline')!.getBoundingClientRect();
      const chart = document.querySelector('.timeline-svg')!.getBoundingClientRect();
      const blocks = Array.from(document.querySelectorAll('rect.block:not(.retrieved)')).map((r) =>
        r.getBoundingClientRect(),
      );
      const left = Math.min(...blocks.map((b) => b.left));
      const right = Math.max(...blocks.map((b) => b.right));
      return { container: container.width, chart: chart.width, blocks: right - left };
    });
    assert.ok(strip.chart >= 0.95 * strip.container, JSON.stringify(strip));
    assert.ok(strip.blocks >= 0.95 * strip.container, JSON.stringify(strip));

    const paths = await page
      .locator('.tier-bytes-svg path.tier-path')
      .evaluateAll((ps) => ps.map((p) => [p.getAttribute('data-tier'), p.getAttribute('d')]));
    assert.deepEqual(
      paths.map((p) => p[0]),
      ['sink', 'recent', 'offloaded'],
    );
    const statsCount = toPanelMessages().filter((m) => m.type === 'stats').length;
    for (const [, d] of paths) assert.equal(d!.split(/[ML]/).filter(Boolean).length, statsCount);

    mkdirSync('docs/images', { recursive: true });
    const file = join('docs/images', `diagnostics-${width}.png`);
    await page.screenshot({ path: file });
    assert.ok(statSync(file).size < 400 * 1024, `${file} is ${statSync(file).size} bytes`);
    await page.close();
  });
}
