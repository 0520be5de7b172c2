// End to end in code-server: the editor shortcuts on media links in Markdown (the code lens
// and the hover's action, clicked with the mouse), an ask while the video is still encoding
// (it waits and says so), and Close Stream followed by a new ask (no Encoding spinner stays).
// Screenshots of the code lens and the question box go to docs/images/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import {
  closeWorkbench,
  runCommand,
  openWorkbench,
  waitOrExplain,
  webviewFrame,
  type Workbench,
} from './code-server';

const VIDEO = 'lazygit-nuke-working-tree.mp4';
const SCREENSHOT = 'tabby-ssh-session.png';
const NOTES = 'bug-report.md';
const artifacts = 'test-artifacts';
const images = 'docs/images';
/** The LSP "Encoding NAME" progress in the status bar (the VLM item says "encoding", lower case). */
const ENCODING_PROGRESS = /Encoding /;

let wb: Workbench | undefined;
let page: Page;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  mkdirSync(images, { recursive: true });
  wb = await openWorkbench(
    [
      `test/fixtures/real/${VIDEO}`,
      `test/fixtures/real/${SCREENSHOT}`,
      `test/fixtures/e2e/${NOTES}`,
    ],
    // 8 frames a second: the video takes long enough to encode that the ask comes first,
    // even on an idle machine (at 4 it was encoded before the ask in one run of three).
    { 'vlm.sampling.fps': 8 },
  );
  page = wb.page;
  const explorer = page.locator('.activitybar .action-item a[aria-label^="Explorer"]');
  if (!(await page.locator('.explorer-folders-view').isVisible())) await explorer.click();
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: NOTES }).click();
});

after(() => closeWorkbench(wb, `${artifacts}/e2e-shortcuts-last.png`));

const quickTitle = () => page.locator('.quick-input-widget .quick-input-title');
const lens = (title: string) => page.locator('.codelens-decoration a', { hasText: title }).first();

/** Waits for the question box of `name`: its title names the file (a file picker would not). */
async function questionBoxFor(title: string): Promise<void> {
  await waitOrExplain(page, `the question box "${title}"`, () =>
    quickTitle().filter({ hasText: title }).waitFor({ timeout: 150_000 }),
  );
  assert.equal(
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').count(),
    0,
    'an input box, not a file picker listing files',
  );
}

/** Waits for the screenshot view of `name` (its tab names the file), then closes it. */
async function screenshotViewFor(name: string): Promise<void> {
  const tab = page.locator('.tabs-container .tab', { hasText: `VLM Screenshot: ${name}` });
  await waitOrExplain(page, `the screenshot view of ${name}`, () =>
    tab.first().waitFor({ timeout: 150_000 }),
  );
  assert.equal(
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').count(),
    0,
    'the view of the linked file, not a file picker',
  );
  await tab.first().locator('.tab-actions .codicon-close').click();
  await tab.first().waitFor({ state: 'detached', timeout: 10_000 });
}

/** Moves the mouse onto the link text in the editor and returns the hover's action link. */
async function hoverAction(linkText: string, action: string) {
  await page.keyboard.press('Escape');
  const text = page.locator('.view-lines .view-line span span', { hasText: linkText }).first();
  await text.waitFor({ timeout: 30_000 });
  const link = page.locator('.monaco-hover a', { hasText: action }).first();
  const deadline = Date.now() + 150_000;
  while (!(await link.isVisible())) {
    if (Date.now() > deadline) {
      const shown = await page.locator('.monaco-hover').allInnerTexts();
      throw new Error(`no "${action}" link in the hover; it shows: ${shown.join(' | ')}`);
    }
    await text.hover();
    await page.waitForTimeout(1000);
  }
  return link;
}

async function statusBarTexts(): Promise<string[]> {
  return page.locator('.statusbar-item').allInnerTexts();
}

test(
  'the code lens on an image link opens the screenshot view of that image',
  { timeout: 240_000 },
  async () => {
    await waitOrExplain(page, 'the code lens on the image link', () =>
      lens('Analyze screenshot').waitFor({ timeout: 90_000 }),
    );
    await lens('Analyze screenshot').click();
    await screenshotViewFor(SCREENSHOT);
  },
);

test(
  "the hover's Analyze screenshot is a link that opens the screenshot view",
  { timeout: 240_000 },
  async () => {
    const link = await hoverAction(SCREENSHOT, 'Analyze screenshot');
    await link.click();
    await screenshotViewFor(SCREENSHOT);
  },
);

test(
  'the code lens on a video link asks about it; an ask during encoding waits and says so',
  { timeout: 480_000 },
  async () => {
    await lens('Ask about this video').click();
    await questionBoxFor(`Ask about ${VIDEO}`);
    const input = page.locator('.quick-input-widget input.input');
    await input.fill('What does the dialog offer?');
    await page.screenshot({ path: `${images}/code-lens-question-box.png` });
    await page.keyboard.press('Enter');

    // The offer to answer early, while the answer waits for the encoding. Its title says
    // "still encoding" until the first progress line replaces it, so the offer is found by
    // its choice, which stays.
    const offer = page.locator('.quick-input-list .monaco-list-row', {
      hasText: 'Answer from what is encoded so far',
    });
    await waitOrExplain(page, 'the answer-now offer', () => offer.waitFor({ timeout: 60_000 }));
    assert.match(
      (await quickTitle().innerText()) ?? '',
      /still encoding|Encoding .*the answer follows when it is encoded/,
    );
    const toast = page.locator('.notifications-toasts .notification-list-item-message');
    const said: string[] = [];
    const listen = async () => {
      for (const t of await toast.allInnerTexts().catch(() => []))
        if (!said.includes(t)) said.push(t);
    };
    await page.waitForTimeout(1500); // the first progress line
    await listen();
    await page.screenshot({ path: `${images}/ask-while-encoding.png` });
    // Keep waiting, by mouse (Escape would also hide the notification toasts).
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Wait until it is encoded' })
      .click();

    const answers = await webviewFrame(page, '#answers', 60_000);
    const done = answers.locator('.answer.state-done, .answer.state-failed').first();
    const deadline = Date.now() + 420_000;
    while (!(await done.isVisible())) {
      if (Date.now() > deadline) throw new Error(`no answer; progress said: ${said.join(' | ')}`);
      await listen();
      await page.waitForTimeout(500);
    }
    assert.ok(
      said.some((t) =>
        new RegExp(
          `Encoding ${VIDEO.replace(/\./g, '\\.')}: \\d+% — the answer follows when it is encoded`,
        ).test(t),
      ),
      `the progress said it waits for the encoding: ${said.join(' | ')}`,
    );
    assert.deepEqual(await answers.locator('.answer-error').allInnerTexts(), []);
    // The answer came after the encoding: nothing encodes any more.
    const bar = await statusBarTexts();
    assert.ok(!bar.some((t) => ENCODING_PROGRESS.test(t)), `status bar: ${bar.join(' | ')}`);
    assert.ok(!bar.some((t) => /VLM: encoding/.test(t)), `status bar: ${bar.join(' | ')}`);
  },
);

test(
  "the hover's Ask about this video is a link that opens the question box",
  { timeout: 240_000 },
  async () => {
    const link = await hoverAction(VIDEO, 'Ask about this video');
    await link.click();
    await questionBoxFor(`Ask about ${VIDEO}`);
    await page.keyboard.press('Escape');
  },
);

test(
  'Close Stream and a new ask on the same video leave no Encoding spinner',
  { timeout: 360_000 },
  async () => {
    await runCommand(page, 'VLM: Close Stream…');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: VIDEO }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await page.waitForTimeout(2000);
    let bar = await statusBarTexts();
    assert.ok(!bar.some((t) => ENCODING_PROGRESS.test(t)), `after close: ${bar.join(' | ')}`);

    await lens('Ask about this video').click();
    await questionBoxFor(`Ask about ${VIDEO}`);
    await page.locator('.quick-input-widget input.input').fill('What happens at the end?');
    await page.keyboard.press('Enter');
    const answers = await webviewFrame(page, '#answers', 60_000);
    await answers
      .locator('.answer.state-done, .answer.state-failed', { hasText: 'What happens at the end?' })
      .first()
      .waitFor({ timeout: 300_000 });
    // The reopened stream (saved when it was first encoded) is ready at once; give a stale
    // progress time to show, then check it did not.
    await page.waitForTimeout(5000);
    bar = await statusBarTexts();
    await page.screenshot({ path: `${artifacts}/e2e-shortcuts-reopened.png` });
    assert.ok(!bar.some((t) => ENCODING_PROGRESS.test(t)), `after reopen: ${bar.join(' | ')}`);
    assert.ok(
      bar.some((t) => /VLM: (idle|answering)/.test(t)),
      `VLM status: ${bar.join(' | ')}`,
    );
  },
);
