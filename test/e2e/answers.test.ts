// End to end in code-server (VS Code 1.99.3 web): a conversation in the Answers view. One
// question from the explorer menu, then a follow-up typed into the view's own question box;
// checks the second answer lands in the same stream, the evidence's reasons and thumbnails,
// "show all" for score-0 frames, and that the chat participant's absence (or presence)
// logs no error. Screenshots for the docs go to docs/images/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import {
  closeWorkbench,
  explorerContextMenu,
  openWorkbench,
  waitOrExplain,
  webviewFrame,
  type Workbench,
} from './code-server';
import { EVIDENCE_REASONS } from '../../protocol/protocol';

const VIDEO = 'lazygit-nuke-working-tree.mp4';
const images = 'docs/images';

let wb: Workbench | undefined;
let page: Page;

before(async () => {
  mkdirSync(images, { recursive: true });
  wb = await openWorkbench([`test/fixtures/real/${VIDEO}`]);
  page = wb.page;
});

after(() => closeWorkbench(wb));

/** Waits until the view holds `count` answers and the newest has finished. */
async function answered(view: Frame, count: number): Promise<void> {
  await view
    .locator('.answer')
    .nth(count - 1)
    .waitFor({ timeout: 60_000 });
  await view
    .locator('.answer')
    .nth(count - 1)
    .and(view.locator('.state-done, .state-failed'))
    .waitFor({ timeout: 180_000 });
  assert.deepEqual(await view.locator('.answer-error').allInnerTexts(), [], 'no ask failed');
}

/** Every visible evidence item of an answer has a thumbnail that loaded. */
async function thumbnailsLoaded(view: Frame, answer: number): Promise<number> {
  const items = view.locator('.answer').nth(answer).locator('.evidence-item');
  const n = await items.count();
  for (let i = 0; i < n; i++) {
    const img = items.nth(i).locator('img.thumb');
    await img.waitFor({ timeout: 60_000 });
    await view.waitForFunction(
      (el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0,
      await img.elementHandle(),
      { timeout: 10_000 },
    );
  }
  return n;
}

test(
  'a follow-up typed in the Answers view is answered in the same stream, with truthful evidence',
  { timeout: 420_000 },
  async () => {
    await explorerContextMenu(page, VIDEO, 'Ask About Video…');
    const input = page.locator('.quick-input-widget input.input');
    await waitOrExplain(page, 'the question box after opening the stream', () =>
      input.waitFor({ state: 'visible', timeout: 150_000 }),
    );
    await input.fill('What does the dialog offer?');
    await page.keyboard.press('Enter');
    const view = await webviewFrame(page, '#question', 60_000);
    await answered(view, 1);

    // The follow-up waits for the whole video, so its evidence spans the cache's tiers.
    await page
      .locator('.statusbar-item', { hasText: 'VLM: idle' })
      .first()
      .waitFor({ timeout: 180_000 });
    // The follow-up: typed into the view's own box, Enter, no palette and no file picker.
    const box = view.locator('#question');
    assert.match((await box.getAttribute('placeholder')) ?? '', new RegExp(`Ask about ${VIDEO}`));
    await box.click();
    await box.pressSequentially('What happens after Enter is pressed?');
    await box.press('Enter');
    await answered(view, 2);
    assert.deepEqual(await view.locator('.question').allInnerTexts(), [
      'What does the dialog offer?',
      'What happens after Enter is pressed?',
    ]);
    assert.equal(
      await view.locator('#stream-select option').count(),
      1,
      'the follow-up went to the same stream, not a new one',
    );

    const latest = view.locator('.answer').nth(1);
    const reasons = await latest.locator('.reason').allInnerTexts();
    assert.ok(reasons.length > 0, 'the answer has evidence');
    for (const r of reasons)
      assert.ok((EVIDENCE_REASONS as readonly string[]).includes(r), `reason '${r}' is allowed`);
    // Score-0 frames are hidden until "show all".
    const scores = async () =>
      latest
        .locator('.evidence-item')
        .evaluateAll((items) => items.map((i) => Number((i as HTMLElement).dataset.score)));
    const shown = await scores();
    assert.ok(!shown.includes(0), `no score-0 frame before show all: ${shown.join(', ')}`);
    const toggle = latest.locator('button.show-all');
    assert.equal(await toggle.count(), 1, 'some frames had no signal, so the toggle is there');
    await toggle.click();
    const all = await scores();
    assert.ok(all.length > shown.length && all.includes(0), `all frames: ${all.join(', ')}`);
    assert.equal(await thumbnailsLoaded(view, 1), all.length);
    await thumbnailsLoaded(view, 0);
    await toggle.click();

    await page.screenshot({ path: `${images}/answers-conversation.png` });
    await sidebarScreenshot(page, `${images}/answers-sidebar-400.png`);
    for (const name of ['answers-conversation.png', 'answers-sidebar-400.png'])
      assert.ok(statSync(join(images, name)).size < 400 * 1024, `${name} is under 400 KB`);
  },
);

test('the chat participant logs no error where code-server has or lacks the chat API', () => {
  const logs = join(wb!.server.root, 'user-data', 'logs');
  const text = existsSync(logs)
    ? filesUnder(logs)
        .map((f) => readFileSync(f, 'utf8'))
        .join('\n')
    : '';
  const vlm =
    /chat participant @vlm registered|no chat API; the @vlm chat participant is not registered/;
  assert.match(text, vlm, 'the VLM log says whether @vlm was registered');
  assert.match(text, /language-model tool vlm_ask_video registered|video tool is not registered/);
  const errors = text
    .split('\n')
    .filter((l) => /\berror\b/i.test(l) && /chat|vlm\.chat|participant|vlm_ask_video/i.test(l));
  assert.deepEqual(errors, [], 'no errors about chat in the extension host logs');
});

/** The Answers view in a sidebar 400 px wide (the sash dragged), screenshot of the window. */
async function sidebarScreenshot(p: Page, path: string): Promise<void> {
  const sidebar = p.locator('.part.sidebar');
  const box = (await sidebar.boundingBox())!;
  const sash = p.locator('.monaco-sash.vertical').filter({ visible: true });
  let dragged = false;
  for (const handle of await sash.all()) {
    const b = await handle.boundingBox();
    if (!b || Math.abs(b.x + b.width / 2 - (box.x + box.width)) > 6) continue;
    await p.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await p.mouse.down();
    await p.mouse.move(box.x + 400, b.y + b.height / 2, { steps: 8 });
    await p.mouse.up();
    dragged = true;
    break;
  }
  assert.ok(dragged, 'found the sidebar sash');
  const width = (await sidebar.boundingBox())!.width;
  assert.ok(Math.abs(width - 400) <= 4, `the sidebar is 400 px wide (${width})`);
  await p.setViewportSize({ width: 1000, height: 1000 });
  await p.screenshot({ path });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)],
  );
}
