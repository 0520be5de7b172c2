// End to end in code-server: the video view (player or frame stepper, evidence markers,
// the question box, evidence links from the answers view) and the screenshot view (boxes,
// query matches with roles, paste, no untitled document). Real fixtures, the real server
// and, with no model installed, the built-in reference model's real evidence times.
// Screenshots of both views at 1600×1000 and at 400 px wide go to docs/images/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
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

const VIDEO = 'lazygit-nuke-working-tree.mp4';
const GIF = 'terminal-thefuck-corrections.gif';
const SCREENSHOT = 'tabby-ssh-session.png';
/** GIF bytes named like an MP4: the player fails on it. */
const MISNAMED = 'gif-bytes-named.mp4';
const artifacts = 'test-artifacts';
const images = 'docs/images';

let wb: Workbench | undefined;
let page: Page;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  mkdirSync(images, { recursive: true });
  const misnamed = join(mkdtempSync(join(tmpdir(), 'vlm-views-')), MISNAMED);
  copyFileSync('test/fixtures/real/windows-terminal-powershell-autocomplete.gif', misnamed);
  wb = await openWorkbench(
    [
      `test/fixtures/real/${VIDEO}`,
      `test/fixtures/real/${GIF}`,
      `test/fixtures/real/${SCREENSHOT}`,
      misnamed,
    ],
    {},
  );
  page = wb.page;
});

after(() => closeWorkbench(wb, `${artifacts}/e2e-views-last.png`));

/** A docs screenshot: a palette PNG keeps it small (each under about 400 KB). */
async function docsShot(name: string): Promise<void> {
  const png = await page.screenshot();
  const small = await sharp(png).png({ palette: true, colours: 128, effort: 8 }).toBuffer();
  writeFileSync(`${images}/${name}.png`, small);
  assert.ok(small.length < 400 * 1024, `${name}.png is ${small.length} bytes`);
}

/** Shows the view at about 400 px of editor width, then restores the window. */
async function narrowShot(name: string): Promise<void> {
  const sidebar = page.locator('.part.sidebar');
  const hadSidebar = await sidebar.isVisible();
  if (hadSidebar) await page.keyboard.press('Control+B');
  await page.setViewportSize({ width: 450, height: 1000 }); // activity bar + a 400 px editor
  await page.waitForTimeout(1500);
  await docsShot(name);
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.waitForTimeout(500);
  // The workbench may hide the side bar by itself when narrow: restore it only if gone.
  if (hadSidebar && !(await sidebar.isVisible())) await page.keyboard.press('Control+B');
  await page.waitForTimeout(500);
}

/** The Answers view, showing in the side bar (clicking the icon of a shown container hides it). */
async function answersView(): Promise<Frame> {
  const title = page.locator('.part.sidebar .composite.title', { hasText: 'VLM' });
  if (!(await title.isVisible()))
    await page.locator('.activitybar .action-item a[aria-label^="VLM"]').click();
  return webviewFrame(page, '#answers', 60_000);
}

/** Asks from the question box and waits for the answer under it. */
async function ask(view: Frame, question: string): Promise<void> {
  await view.locator('#question').fill(question);
  await view.locator('#question').press('Enter');
  const answered = view.locator('#answer[data-state="done"] .question', { hasText: question });
  await waitOrExplain(page, `the answer to "${question}"`, () =>
    answered.waitFor({ timeout: 240_000 }),
  );
}

const tabTitles = () => page.locator('.tabs-container .tab .label-name').allInnerTexts();

/** The player's position, or the stepper's: whichever the view shows. */
async function position(view: Frame): Promise<{ mode: string; timeSec: number }> {
  return view.evaluate(() => {
    const mode = document.body.dataset.mode ?? '';
    if (mode === 'video')
      return { mode, timeSec: (document.getElementById('player') as HTMLVideoElement).currentTime };
    return { mode, timeSec: Number(document.getElementById('frame')!.dataset.time ?? 'NaN') };
  });
}

/** Waits until the view shows the moment `t` (within 0.6 s), in the player or the stepper. */
async function seekedTo(view: Frame, t: number): Promise<void> {
  await view.waitForFunction(
    (at) => {
      const mode = document.body.dataset.mode;
      const now =
        mode === 'video'
          ? (document.getElementById('player') as HTMLVideoElement).currentTime
          : Number(document.getElementById('frame')!.dataset.time);
      return Math.abs(now - at) < 0.6;
    },
    t,
    { timeout: 15_000 },
  );
}

test(
  "the video view asks from its question box, marks the evidence and the stream's moments, and seeks to a clicked mark",
  { timeout: 300_000 },
  async () => {
    await explorerContextMenu(page, VIDEO, 'Open in Video View…');
    const view = await webviewFrame(page, '#timeline', 60_000);
    await view.waitForFunction(() =>
      ['video', 'frames'].includes(document.body.dataset.mode ?? ''),
    );
    assert.ok(
      (await tabTitles()).some((t) => t.includes(VIDEO)),
      'the view is an editor tab',
    );

    const markers = view.locator('#timeline .marker');
    await ask(view, 'What happens when D is pressed?');
    await waitOrExplain(page, 'evidence markers on the timeline', () =>
      markers.first().waitFor({ timeout: 60_000 }),
    );
    // Asked while the video was still encoding, the evidence may hold only its first frames:
    // ask again once the whole video is encoded, so markers spread over it.
    await waitOrExplain(page, 'the stream encoded to the end', () =>
      page
        .locator('.statusbar-item', { hasText: 'VLM: idle' })
        .first()
        .waitFor({ timeout: 180_000 }),
    );
    await ask(view, 'What does the dialog offer?');
    assert.equal(await view.locator('#answer').getAttribute('data-state'), 'done');
    const stamps = await view.locator('#answer a.timestamp').allInnerTexts();
    assert.ok(stamps.length > 0, 'the answer under the box lists the evidence');

    // The stream's timeline in a lane under the evidence: what appeared, was typed or cut.
    const events = view.locator('#events .event');
    await waitOrExplain(page, "the stream's moments under the evidence", () =>
      events.first().waitFor({ timeout: 30_000 }),
    );
    const moments = await events.evaluateAll((es) =>
      es.map((e) => ({
        kind: e.dataset.kind,
        t: Number(e.dataset.time),
        title: e.getAttribute('title') ?? '',
      })),
    );
    assert.ok(
      moments.some((m) => m.kind === 'ui'),
      JSON.stringify(moments),
    );
    assert.ok(
      moments.every((m) => /^\d+:\d\d\.\d a |^\d+:\d\d\.\d typed/.test(m.title)),
      JSON.stringify(moments),
    );
    const moment = moments.filter((m) => m.t > 0.5).pop();
    assert.ok(moment, `a moment after 0.5 s: ${JSON.stringify(moments)}`);
    await view.locator(`#events .event[data-time="${moment.t}"]`).first().click();
    await seekedTo(view, moment.t);

    const times = (await markers.evaluateAll((ms) => ms.map((m) => Number(m.dataset.time)))).sort(
      (a, b) => a - b,
    );
    // A marker away from 0 s, so a seek that did nothing cannot pass; the middle one shows
    // the recording's dialog in the docs screenshot.
    const later = times.filter((t) => t > 0.5);
    const target = later[Math.floor(later.length / 2)];
    assert.ok(target !== undefined, `a marker after 0.5 s: ${times.join(', ')}`);
    await view.locator(`#timeline .marker[data-time="${target}"]`).click();
    await seekedTo(view, target);
    const at = await position(view);
    assert.ok(Math.abs(at.timeSec - target) < 0.6, `${at.mode} at ${at.timeSec}, marker ${target}`);
    await docsShot('video-view');
    await narrowShot('video-view-narrow');
  },
);

test(
  'an evidence time in the answers view seeks the video view, opens no JPEG, and the next file picker starts in the workspace',
  { timeout: 120_000 },
  async () => {
    const view = await webviewFrame(page, '#timeline', 10_000);
    await view
      .evaluate(() => {
        (document.getElementById('player') as HTMLVideoElement).currentTime = 0;
      })
      .catch(() => undefined);
    const answers = await answersView();
    const stamp = answers.locator('.answer.state-done a.timestamp').last();
    await stamp.waitFor({ timeout: 30_000 });
    const label = await stamp.innerText(); // m:ss.s
    const [m, s] = label.split(':');
    const wanted = Number(m) * 60 + Number(s);
    await stamp.click();
    await seekedTo(view, wanted);
    const titles = await tabTitles();
    assert.ok(!titles.some((t) => /\.jpe?g$/i.test(t)), `no frame JPEG tab: ${titles.join(', ')}`);
    assert.equal(await page.locator('.editor-group-container').count(), 1, 'no extra editor group');

    // The picker (code-server's simple dialog) shows the folder it starts in.
    await runCommand(page, 'VLM: Ask About Image…');
    const path = page.locator('.quick-input-widget input.input');
    await path.waitFor({ state: 'visible', timeout: 15_000 });
    // The dialog fills its path in once it has read the folder.
    await page
      .waitForFunction(
        (ws) => {
          const input = document.querySelector<HTMLInputElement>('.quick-input-widget input.input');
          return !!input && input.value.startsWith(ws);
        },
        wb!.server.workspace,
        { timeout: 10_000 },
      )
      .catch(() => undefined);
    const start = await path.inputValue();
    await page.keyboard.press('Escape');
    assert.ok(start.startsWith(wb!.server.workspace), `picker starts at ${start}`);
    assert.ok(!/frames/.test(start), `picker is not in a frames folder: ${start}`);
  },
);

test(
  'a file the player cannot play falls back to the frame stepper',
  { timeout: 120_000 },
  async () => {
    // GIF bytes under an .mp4 name: the view tries <video>, which reports an error, and
    // ffmpeg (reading the content) decodes the frames instead.
    await page.keyboard.press('Escape');
    await explorerContextMenu(page, MISNAMED, 'Open in Video View…');
    const view = await webviewFrame(page, '#stepper:not([hidden])', 90_000);
    await view.waitForFunction(() => document.body.dataset.mode === 'frames');
    assert.ok(Number(await view.locator('#slider').getAttribute('max')) > 10);
    await page.keyboard.press('Control+W');
  },
);

test('a GIF steps through decoded frames with a slider', { timeout: 120_000 }, async () => {
  await explorerContextMenu(page, GIF, 'Open in Video View…');
  const view = await webviewFrame(page, '#stepper:not([hidden])', 90_000);
  await view.waitForFunction(() => document.body.dataset.mode === 'frames');
  const max = Number(await view.locator('#slider').getAttribute('max'));
  assert.ok(max > 10, `frames: ${max + 1}`);
  await view.locator('#next').click();
  await view.locator('#next').click();
  assert.equal(await view.locator('#frame').getAttribute('data-index'), '2');
  await view
    .waitForFunction(
      () => {
        const img = document.getElementById('frame') as HTMLImageElement;
        return img.complete && img.naturalWidth > 0;
      },
      undefined,
      { timeout: 15_000 },
    )
    .catch(() => undefined);
  const loaded = await view
    .locator('#frame')
    .evaluate((img: HTMLImageElement) => [img.complete, img.naturalWidth, img.src]);
  assert.deepEqual(loaded.slice(0, 2), [true, 686], `the frame JPEG loads: ${loaded[2]}`);
  await page.keyboard.press('Control+W');
});

test(
  'Analyze Screenshot opens the screenshot view with boxes; a query highlights matches with roles; closing asks nothing',
  { timeout: 240_000 },
  async () => {
    await explorerContextMenu(page, SCREENSHOT, 'Analyze Screenshot');
    const view = await webviewFrame(page, '#boxes', 60_000);
    const boxes = view.locator('#boxes .box');
    await waitOrExplain(page, 'the element boxes', () =>
      boxes.first().waitFor({ timeout: 180_000 }),
    );
    const texts = await boxes.evaluateAll((bs) => bs.map((b) => b.dataset.text ?? ''));
    assert.ok(texts.length > 10, `${texts.length} boxes`);
    assert.ok(
      texts.some((t) => /ajenti\.org/.test(t)),
      'real OCR text from the fixture',
    );
    assert.match(await view.locator('#status').innerText(), /2094 × 1528 px/);
    const titles = await tabTitles();
    assert.ok(
      !titles.some((t) => /^Untitled/.test(t)),
      `no untitled document: ${titles.join(', ')}`,
    );

    await boxes.first().hover();
    assert.match(await view.locator('#tip').innerText(), /confidence \d\.\d\d/);

    await view.locator('#query').fill('ajenti');
    await view.locator('#query').press('Enter');
    await view.locator('#boxes .box.match').first().waitFor({ timeout: 120_000 });
    assert.equal(await view.locator('#results th').nth(1).innerText(), 'role');
    const rows = await view.locator('#results tbody tr').allInnerTexts();
    assert.ok(
      rows.some((r) => /ajenti/.test(r)),
      `matches: ${rows.join(' | ')}`,
    );
    await docsShot('screenshot-view');
    await narrowShot('screenshot-view-narrow');

    await page.keyboard.press('Control+W');
    await page.waitForTimeout(1000);
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no save prompt');
    assert.ok(!(await tabTitles()).some((t) => /Screenshot/.test(t)), 'the view closed');
  },
);

test('an image pasted into the screenshot view is analysed', { timeout: 240_000 }, async () => {
  await runCommand(page, 'VLM: Analyze Screenshot from Clipboard');
  const view = await webviewFrame(page, '#boxes', 60_000);
  const base64 = readFileSync(`test/fixtures/real/${SCREENSHOT}`).toString('base64');
  // A real paste event with the PNG's bytes in its DataTransfer, as Ctrl+V delivers it.
  await view.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
    document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
  }, base64);
  // Where an X clipboard tool holds some other image, the command analyses that first; the
  // paste supersedes it, so wait for the pasted image's own result.
  const done = view.locator('#status', { hasText: 'pasted image: 2094 × 1528 px' });
  await waitOrExplain(page, 'the analysis of the pasted image', () =>
    done.waitFor({ timeout: 180_000 }),
  );
  const boxes = view.locator('#boxes .box');
  const texts = await boxes.evaluateAll((bs) => bs.map((b) => b.dataset.text ?? ''));
  assert.ok(
    texts.some((t) => /ajenti\.org/.test(t)),
    'the pasted image was read',
  );
  assert.match(await view.locator('#status').innerText(), /pasted image: 2094 × 1528 px/);
});
