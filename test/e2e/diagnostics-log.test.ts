// End to end in code-server: the diagnostics panel names streams by file and follows the
// one being encoded, the VLM log shows each request with its duration, and a bad file
// (an empty .mp4) ends in a short, complete toast with "Show details" that opens the log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import {
  closeWorkbench,
  explorerContextMenu,
  runCommand,
  openWorkbench,
  waitOrExplain,
  webviewFrame,
  type Workbench,
} from './code-server';

const FIRST = 'lazygit-nuke-working-tree.mp4';
const SECOND = 'posting-url-variables.mp4';
const EMPTY = 'empty.mp4';
const artifacts = 'test-artifacts';

let wb: Workbench | undefined;
let page: Page;
let panel: Frame;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'vlm-e2e-empty-'));
  writeFileSync(join(scratch, EMPTY), '');
  wb = await openWorkbench(
    [`test/fixtures/real/${FIRST}`, `test/fixtures/real/${SECOND}`, join(scratch, EMPTY)],
    {},
    { width: 1400, height: 900 },
  );
  page = wb.page;
});

after(() => closeWorkbench(wb, `${artifacts}/e2e-diag-log-last.png`));

/** The picker's options and the selected one, as the panel shows them. */
async function picker(frame: Frame) {
  return frame.locator('#stream-select').evaluate((node) => {
    const select = node as HTMLSelectElement;
    return {
      options: Array.from(select.options).map((o) => o.textContent ?? ''),
      selected: select.selectedOptions[0]?.textContent ?? '',
    };
  });
}

async function askAbout(file: string, question?: string) {
  await explorerContextMenu(page, file, 'Ask About Video…');
  const input = page.locator('.quick-input-widget input.input');
  await waitOrExplain(page, `the question box for ${file}`, () =>
    input.waitFor({ state: 'visible', timeout: 150_000 }),
  );
  if (question === undefined) return;
  await input.fill(question);
  await page.keyboard.press('Enter');
}

test(
  'the diagnostics panel names the stream by file and follows the stream being encoded',
  { timeout: 420_000 },
  async () => {
    await runCommand(page, 'VLM: Show Cache Diagnostics');
    panel = await webviewFrame(page, '#tiers', 60_000);

    await askAbout(FIRST, 'What does the dialog offer?');
    await waitOrExplain(page, `the panel lists ${FIRST}`, () =>
      panel
        .locator('#stream-select option', { hasText: FIRST })
        .waitFor({ state: 'attached', timeout: 60_000 }),
    );
    let shown = await picker(panel);
    assert.match(shown.selected, new RegExp(`^${FIRST.replace(/\./g, '\\.')} \\(`));
    const answers = await webviewFrame(page, '#answers', 60_000);
    await answers
      .locator('.answer.state-done, .answer.state-failed')
      .first()
      .waitFor({ timeout: 240_000 });

    // A second video: without any pick by the user, the panel moves to the stream now
    // receiving frames, and lists both by file name.
    await askAbout(SECOND);
    // Polled from here: the webview's CSP forbids evaluating a string in it.
    const deadline = Date.now() + 60_000;
    while (!(await picker(panel)).selected.startsWith(SECOND)) {
      if (Date.now() > deadline) {
        assert.fail(`the panel did not select ${SECOND}: ${JSON.stringify(await picker(panel))}`);
      }
      await page.waitForTimeout(250);
    }
    shown = await picker(panel);
    await page.keyboard.press('Escape'); // no question about the second video
    assert.match(
      shown.selected,
      new RegExp(`^${SECOND.replace(/\./g, '\\.')} \\((opening|encoding|ready)\\)$`),
    );
    assert.equal(shown.options.length, 2, shown.options.join(' | '));
    assert.ok(shown.options.some((o) => o.startsWith(FIRST)));
    assert.ok(
      shown.options.every((o) => !/stream-\d/.test(o)),
      shown.options.join(' | '),
    );
    await page.screenshot({ path: `${artifacts}/e2e-diag-follow.png` });
  },
);

test('the VLM log shows each request with its duration', { timeout: 60_000 }, async () => {
  await runCommand(page, 'VLM: Show Output');
  // \s: the editor renders spaces as no-break spaces.
  const request = /vlm\/[A-Za-z]+\s\d+(\.\d+)?\s(ms|s)\b/;
  const lines = page.locator('.output-view .view-lines');
  await waitOrExplain(page, 'a request line in the VLM log', () =>
    lines.filter({ hasText: request }).first().waitFor({ timeout: 30_000 }),
  );
  const text = (await lines.first().innerText()).replace(/\s+/g, ' ');
  assert.match(text, /\[info\] vlm\/[A-Za-z]+ \d+(\.\d+)? (ms|s)\b/);
  await page.screenshot({ path: `${artifacts}/e2e-diag-log-output.png` });
});

test(
  'an empty .mp4 ends in a complete toast naming the file, no code, with Show details',
  { timeout: 180_000 },
  async () => {
    await explorerContextMenu(page, EMPTY, 'Ask About Video…');
    // Not the "opening empty.mp4" progress toast: the error that follows it.
    const toast = page.locator('.notifications-toasts .notification-list-item', {
      hasText: `Can't open ${EMPTY}`,
    });
    await waitOrExplain(page, 'the error toast for empty.mp4', () =>
      toast.first().waitFor({ timeout: 120_000 }),
    );
    const message = await toast.first().locator('.notification-list-item-message').innerText();
    assert.equal(message.trim(), "Can't open empty.mp4: the file is empty");
    assert.doesNotMatch(message, /\d{4}|-32\d{3}|MediaUnreadable|VLM_E/);
    const details = toast.first().locator('.monaco-button', { hasText: 'Show details' });
    assert.equal(await details.count(), 1);
    await page.screenshot({ path: `${artifacts}/e2e-diag-toast.png` });

    // "Show details" opens the log, where the same failure is written with its code.
    await details.click();
    const logged = page.locator('.output-view .view-lines', { hasText: 'MediaUnreadable' });
    await waitOrExplain(page, 'the failure in the log', () =>
      logged.first().waitFor({ timeout: 30_000 }),
    );
    // The view wraps long lines; compare with whitespace collapsed.
    const text = (await logged.first().innerText()).replace(/\s+/g, ' ');
    assert.match(
      text,
      /Can't open empty\.mp4: .*file is empty \(0 bytes\) \[MediaUnreadable 4009\]/,
    );
  },
);
