// End to end in a real VS Code: the packaged .vsix installed into code-server (VS Code 1.99.3
// web build), a workspace holding a fixture video, driven through Chromium. Runs the
// commands as a user would (command palette, explorer context menu), reads the answers view
// and the diagnostics panel, and saves screenshots into test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import {
  closeWorkbench,
  explorerContextMenu,
  waitOrExplain,
  runCommand,
  openWorkbench,
  webviewFrame,
  type Workbench,
} from './code-server';

const VIDEO = 'lazygit-nuke-working-tree.mp4';
const SCREENSHOT = 'tabby-ssh-session.png';
/** A Markdown file linking both, for the code lenses. */
const NOTES = 'bug-report.md';
const artifacts = 'test-artifacts';

let wb: Workbench | undefined;
let page: Page;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  wb = await openWorkbench(
    [
      `test/fixtures/real/${VIDEO}`,
      `test/fixtures/real/${SCREENSHOT}`,
      `test/fixtures/e2e/${NOTES}`,
    ],
    {},
    { width: 1400, height: 900 },
  );
  page = wb.page;
});

after(() => closeWorkbench(wb, `${artifacts}/e2e-last.png`));

test('the command palette lists the VLM commands', { timeout: 90_000 }, async () => {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.fill('>VLM:');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'VLM:' }).first().waitFor();
  await page.screenshot({ path: `${artifacts}/e2e-command-palette.png` });
  // The list is virtual (only the rows in view exist), so each title is filtered for.
  for (const title of [
    'Ask About Video…',
    'Ask About Image…',
    'Open Live Source…',
    'Analyze Screenshot',
    'Find Text in Video…',
    'Show Cache Diagnostics',
    'Select Model…',
    'Download Model…',
    'Restart Server',
    'Show Output',
  ]) {
    await input.fill(`>VLM: ${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row .label-name').first();
    await row.waitFor();
    const shown = (await row.innerText()).replace(/\s+/g, ' ');
    assert.ok(shown.includes(`VLM: ${title}`), `palette shows VLM: ${title} (first row: ${shown})`);
  }
  await page.keyboard.press('Escape');
});

test(
  'Ask About Video from the explorer, with no model installed, shows the evidence with thumbnails',
  { timeout: 240_000 },
  async () => {
    await explorerContextMenu(page, VIDEO, 'Ask About Video…');
    const input = page.locator('.quick-input-widget input.input');
    await waitOrExplain(page, 'the question box after opening the stream', () =>
      input.waitFor({ state: 'visible', timeout: 150_000 }),
    );
    await input.fill('What happens when D is pressed?');
    await page.keyboard.press('Enter');

    const answers = await webviewFrame(page, '#answers', 60_000);
    const entry = answers.locator('.answer').first();
    await answers
      .locator('.answer.state-done, .answer.state-failed')
      .first()
      .waitFor({ timeout: 150_000 });
    const error = await answers.locator('.answer-error').allInnerTexts();
    assert.deepEqual(error, [], 'the ask did not fail');
    assert.equal(await entry.locator('.question').innerText(), 'What happens when D is pressed?');
    // No model is installed here: the reference model's tokens are not shown and the note
    // says why. (The question is asked while the video is still encoding, so its frames'
    // on-screen text may not be read yet; the browser suite checks how that text renders.)
    assert.match(await entry.locator('.answer-no-model').innerText(), /no model is installed/);
    assert.equal(await entry.locator('.answer-text').count(), 0, 'no reference tokens shown');
    const stamps = await entry.locator('a.timestamp').allInnerTexts();
    assert.ok(
      stamps.length > 0 && stamps.every((s) => /^\d+:\d\d\.\d$/.test(s)),
      `evidence timestamps: ${stamps.join(', ')}`,
    );
    await entry.locator('img.thumb').first().waitFor({ timeout: 30_000 });
    assert.equal(
      await answers.locator('#banner').isVisible(),
      true,
      'the no-model banner is shown',
    );
    assert.match(
      await answers.locator('#stream-select').innerText(),
      new RegExp(VIDEO.replace(/\./g, '\\.')),
    );
    await page.screenshot({ path: `${artifacts}/e2e-answers.png` });

    const status = await page.locator('.statusbar-item', { hasText: 'VLM:' }).first().innerText();
    assert.match(status, /VLM: (idle|encoding|answering)/);
  },
);

test(
  'Show Cache Diagnostics shows the stream in the panel with tier bars and the timeline',
  { timeout: 120_000 },
  async () => {
    await runCommand(page, 'VLM: Show Cache Diagnostics');
    const panel = await webviewFrame(page, '#tiers', 60_000);
    await panel.locator('.bar-row[data-tier=sink]').waitFor({ timeout: 60_000 });
    assert.match(
      await panel.locator('.bar-row[data-tier=sink] .bar-detail').innerText(),
      /tokens \/ \d+ tokens/,
    );
    assert.match(
      await panel.locator('.bar-row[data-tier=recent] .bar-detail').innerText(),
      /\d+ \/ \d+ frames/,
    );
    assert.ok((await panel.locator('rect.block').count()) > 0, 'timeline has blocks');
    assert.match(
      await panel.locator('#stream-select').innerText(),
      new RegExp(VIDEO.replace(/\./g, '\\.')),
    );
    assert.notEqual(
      await panel.locator('[data-metric="Time to first token"] .metric-value').innerText(),
      '–',
    );
    await page.screenshot({ path: `${artifacts}/e2e-diagnostics.png` });
  },
);

test(
  'Analyze Screenshot from the explorer opens the screenshot view with the text elements',
  { timeout: 180_000 },
  async () => {
    // test/e2e/views.test.ts covers the view in depth (query, paste, closing).
    await explorerContextMenu(page, SCREENSHOT, 'Analyze Screenshot');
    const view = await webviewFrame(page, '#boxes', 60_000);
    const boxes = view.locator('#boxes .box');
    await boxes.first().waitFor({ timeout: 150_000 });
    assert.match(await view.locator('#status').innerText(), /2094 × 1528 px, \d+ text elements/);
    const texts = await boxes.evaluateAll((bs) => bs.map((b) => b.dataset.text ?? ''));
    assert.ok(
      texts.some((t) => /Connecting to ajenti\.org/.test(t)),
      'real OCR text from the fixture',
    );
    await page.screenshot({ path: `${artifacts}/e2e-screenshot-report.png` });
  },
);

test(
  'Find Text in Video searches the open stream and lists hits with timestamps',
  { timeout: 180_000 },
  async () => {
    await runCommand(page, 'VLM: Find Text in Video…');
    const streamPick = page
      .locator('.quick-input-list .monaco-list-row', { hasText: VIDEO })
      .first();
    await streamPick.waitFor({ timeout: 30_000 });
    await streamPick.click();
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill('Nuke');
    await page.keyboard.press('Enter');
    const title = page.locator('.quick-input-widget .quick-input-title', { hasText: '"Nuke" in' });
    await waitOrExplain(page, 'the hits of "Nuke"', () => title.waitFor({ timeout: 150_000 }));
    // Rows show the timestamp as the label and the on-screen text (real OCR) as the detail.
    const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    assert.ok(rows.length > 0, 'at least one hit');
    assert.ok(
      rows.every((r) => /^\d+:\d\d\.\d/.test(r.trim())),
      `rows start with a timestamp: ${rows.join(' | ')}`,
    );
    assert.ok(
      rows.some((r) => /Nuke/.test(r)),
      'the hit text is shown',
    );
    await page.screenshot({ path: `${artifacts}/e2e-find-text.png` });
    await page.keyboard.press('Escape');
  },
);

test(
  'Show Output shows the VLM log: the server runs locally and the agent tool is registered',
  { timeout: 60_000 },
  async () => {
    await runCommand(page, 'VLM: Show Output');
    const log = page.locator('.output-view .view-lines', { hasText: 'server running' }).first();
    await log.waitFor({ timeout: 30_000 });
    const text = (await log.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /server running \(local, stdio\)/);
    // vscode.lm.registerTool exists in VS Code 1.99, so the agent tool is registered.
    assert.match(text, /language-model tool vlm_analyze_screenshot registered/);
    await page.screenshot({ path: `${artifacts}/e2e-output.png` });
  },
);

test(
  "the code lens on a video link in Markdown asks about that video, not a file picker's choice",
  { timeout: 240_000 },
  async () => {
    await page.keyboard.press('Escape');
    const explorer = page.locator('.activitybar .action-item a[aria-label^="Explorer"]');
    if (!(await page.locator('.explorer-folders-view').isVisible())) await explorer.click();
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: NOTES }).click();
    const lens = page.locator('.codelens-decoration a', { hasText: 'Ask about this video' });
    await waitOrExplain(page, 'the code lens on the video link', () =>
      lens.first().waitFor({ timeout: 60_000 }),
    );
    assert.ok(
      (await page.locator('.codelens-decoration a', { hasText: 'Analyze screenshot' }).count()) > 0,
      'the PNG link has the screenshot lens',
    );
    await lens.first().click();
    // The lens names its file: the next step is the question about it, with no file picker.
    const title = page.locator('.quick-input-widget .quick-input-title');
    await waitOrExplain(page, 'the question box for the linked video', () =>
      title.filter({ hasText: `Ask about ${VIDEO}` }).waitFor({ timeout: 150_000 }),
    );
    await page.screenshot({ path: `${artifacts}/e2e-code-lens.png` });
    await page.keyboard.press('Escape');
  },
);
