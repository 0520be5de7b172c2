// The answers view in real headless Chromium: its HTML and CSP as the extension serves it,
// fed the host's messages (state, streamed tokens, thumbnails); checks the banner, streaming,
// evidence (by relevance, score-0 frames behind "show all"), the question box, pasting and
// dropping, and the messages it sends back (copy, show frame, select model, ask).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { answersHtml, NO_MODEL_NOTICE } from '../../../client/answers/html';
import { AnswerHistory, NO_MODEL_ANSWER } from '../../../client/answers/history';
import { launchChromium } from './chromium';
import { openWebview, serveWebview, type WebviewHost } from './webview-host';

let host: WebviewHost;
let browser: Browser;
// A 1x1 JPEG is enough to check a thumbnail is shown through the CSP's img-src data:.
const PIXEL =
  'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==';

before(async () => {
  const html = answersHtml({
    cspSource: 'http://127.0.0.1:*',
    scriptUri: '/media/answers.js',
    styleUri: '/media/answers.css',
  });
  host = await serveWebview(html, ['answers.js', 'answers.css']);
  browser = await launchChromium();
  mkdirSync('test-artifacts', { recursive: true });
});

after(async () => {
  await browser?.close();
  await host?.close();
});

const openView = () => openWebview(browser, host.origin, { width: 380, height: 640 });

const posted = (page: Page) =>
  page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
const send = (page: Page, m: unknown) => page.evaluate((msg) => window.postMessage(msg, '*'), m);

test('tokens stream in, evidence shows timestamps and thumbnails, actions post back', async () => {
  const history = new AnswerHistory();
  history.addStream({ key: 's1', label: 'lazygit.mp4' });
  history.start('a1', 's1', 'What happens when D is pressed?', 1);
  const streams = [{ key: 's1', label: 'lazygit.mp4' }];
  const page = await openView();
  assert.deepEqual(await posted(page), [{ type: 'ready' }]);
  await send(page, {
    type: 'state',
    streams,
    selected: 's1',
    entries: history.forStream('s1'),
    referenceModel: true,
  });
  assert.equal(await page.locator('#banner').isVisible(), true);
  assert.equal(await page.locator('#empty').isVisible(), false);

  for (const [i, t] of ['A menu', ' opens', ' with Nuke'].entries()) {
    const entry = history.token('a1', i, t)!;
    await send(page, { type: 'token', askId: 'a1', text: entry.text });
  }
  await page.locator('.answer-text', { hasText: 'A menu opens with Nuke' }).waitFor();
  assert.equal(
    await page.locator('.answer.state-streaming .cursor').count(),
    1,
    'a cursor while streaming',
  );

  const done = history.finish(
    'a1',
    {
      askId: 'a1',
      answer: 'A menu opens with Nuke working tree.',
      evidence: [
        {
          timeSec: 2.4,
          frameIndex: 2,
          score: 0.82,
          reason: 'retrieved',
          text: 'Nuke working tree',
        },
        { timeSec: 0.2, frameIndex: 0, score: 0.12, reason: 'retrieved' },
      ],
      timings: { totalMs: 1550, tokens: 24 },
    },
    'from 0:00–0:04 of lazygit.mp4 (encoded so far)',
  )!;
  await send(page, {
    type: 'state',
    streams,
    selected: 's1',
    entries: [done],
    referenceModel: true,
  });
  await send(page, { type: 'thumb', askId: 'a1', index: 1, dataUri: PIXEL });
  await page.locator('img.thumb').waitFor();
  assert.deepEqual(await page.locator('a.timestamp').allInnerTexts(), ['0:02.4', '0:00.2']);
  assert.equal(
    await page.locator('.answer-meta').innerText(),
    'answered from 0:00–0:04 of lazygit.mp4 (encoded so far) · 24 tokens · 1.6 s',
    'an answer drawn from part of the file says which part',
  );
  assert.equal(await page.locator('.evidence-text').innerText(), 'Nuke working tree');
  await page.screenshot({ path: 'test-artifacts/answers-view.png', fullPage: true });

  await page.locator('a.timestamp').nth(1).click();
  await page.locator('button.copy').click();
  await page.locator('#select-model').click();
  assert.deepEqual((await posted(page)).slice(1), [
    { type: 'showFrame', askId: 'a1', index: 1 },
    { type: 'copy', askId: 'a1' },
    { type: 'selectModel' },
  ]);
  assert.deepEqual(
    await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations),
    [],
  );
  await page.close();
});

test('answer text is shown as text, never as markup', async () => {
  const page = await openView();
  const entry = {
    id: 'x',
    streamKey: 's',
    question: '<img src=x onerror=alert(1)>',
    text: '<b>bold</b>',
    state: 'done',
    evidence: [],
    askedAt: 1,
  };
  await send(page, {
    type: 'state',
    streams: [{ key: 's', label: 's' }],
    selected: 's',
    entries: [entry],
    referenceModel: false,
  });
  await page.locator('.answer-text').waitFor();
  assert.equal(await page.locator('.answer-text').innerText(), '<b>bold</b>');
  assert.equal(await page.locator('.answer img').count(), 0);
  assert.equal(await page.locator('#banner').isVisible(), false);
  await page.close();
});

test('with no model installed: the notice, evidence with on-screen text, no tokens, Download Model', async () => {
  const history = new AnswerHistory();
  history.modelInstalled = false;
  history.addStream({ key: 's1', label: 'lazygit.mp4' });
  history.start('n1', 's1', 'What does the menu offer?', 1);
  const done = history.finish('n1', {
    askId: 'n1',
    answer: '\uFFFD on\uFFFD on',
    evidence: [
      { timeSec: 2.4, frameIndex: 2, score: 0.62, reason: 'retrieved', text: 'Nuke working tree' },
      { timeSec: 4.1, frameIndex: 4, score: 0.4, reason: 'retrieved', text: 'Pressing <enter>' },
    ],
    timings: { totalMs: 300, tokens: 2 },
  })!;
  const page = await openView();
  await send(page, {
    type: 'state',
    streams: [{ key: 's1', label: 'lazygit.mp4' }],
    selected: 's1',
    entries: [done],
    referenceModel: true,
  });
  await page.locator('.answer-no-model').waitFor();
  assert.equal(await page.locator('#no-model-notice').innerText(), NO_MODEL_NOTICE);
  assert.equal(await page.locator('.answer-no-model').innerText(), NO_MODEL_ANSWER);
  assert.equal(await page.locator('.answer-text').count(), 0, 'no reference tokens');
  assert.equal(await page.getByText('on\uFFFD').count(), 0);
  assert.deepEqual(await page.locator('a.timestamp').allInnerTexts(), ['0:02.4', '0:04.1']);
  assert.deepEqual(await page.locator('.evidence-detail').allInnerTexts(), [
    'score 0.62',
    'score 0.40',
  ]);
  assert.deepEqual(await page.locator('.reason').allInnerTexts(), ['retrieved', 'retrieved']);
  assert.deepEqual(await page.locator('.evidence-text').allInnerTexts(), [
    'Nuke working tree',
    'Pressing <enter>',
  ]);
  await page.screenshot({ path: 'test-artifacts/answers-view-no-model.png', fullPage: true });
  await page.locator('#download-model').click();
  assert.deepEqual((await posted(page)).slice(1), [{ type: 'downloadModel' }]);
  await page.close();
});

/** A finished conversation of two answers about one stream, with score-0 frames. */
function conversation() {
  const history = new AnswerHistory();
  history.addStream({ key: 's1', label: 'lazygit.mp4', kind: 'video' });
  history.start('q1', 's1', 'What does the dialog offer?', 1);
  history.finish('q1', {
    askId: 'q1',
    answer: 'Nuke the working tree, or cancel.',
    evidence: [
      { timeSec: 0.4, frameIndex: 0, score: 0, reason: 'recent' },
      { timeSec: 2.4, frameIndex: 2, score: 0.91, reason: 'text', text: 'Nuke working tree' },
      { timeSec: 1.2, frameIndex: 1, score: 0.35, reason: 'retrieved' },
      { timeSec: 3.6, frameIndex: 3, score: 0, reason: 'recent' },
      { timeSec: 4.8, frameIndex: 4, score: 0.6, reason: 'time' },
    ],
    timings: { totalMs: 900, tokens: 9 },
  });
  history.start('q2', 's1', 'And after Enter?', 2);
  return history;
}

test('a conversation reads oldest first; evidence by relevance, score 0 behind "show all"', async () => {
  const history = conversation();
  const page = await openView();
  await send(page, {
    type: 'state',
    streams: [{ key: 's1', label: 'lazygit.mp4', kind: 'video' }],
    selected: 's1',
    entries: history.forStream('s1'),
    referenceModel: false,
  });
  assert.deepEqual(await page.locator('.question').allInnerTexts(), [
    'What does the dialog offer?',
    'And after Enter?',
  ]);
  const first = page.locator('.answer').first();
  assert.deepEqual(await first.locator('a.timestamp').allInnerTexts(), [
    '0:02.4',
    '0:04.8',
    '0:01.2',
  ]);
  assert.deepEqual(await first.locator('.reason').allInnerTexts(), ['text', 'time', 'retrieved']);
  const toggle = first.locator('button.show-all');
  assert.equal(await toggle.innerText(), 'Show all (5)');
  await toggle.click();
  assert.deepEqual(await first.locator('a.timestamp').allInnerTexts(), [
    '0:02.4',
    '0:04.8',
    '0:01.2',
    '0:00.4',
    '0:03.6',
  ]);
  // Every item has a place for its thumbnail; a thumbnail sent for a hidden item shows once visible.
  assert.equal(await first.locator('.evidence-item .thumb').count(), 5);
  await first.locator('button.show-all').click();
  assert.equal(await first.locator('a.timestamp').count(), 3);
  await page.screenshot({ path: 'test-artifacts/answers-view-conversation.png', fullPage: true });
  await page.close();
});

test('the question box asks a follow-up about the selected stream on Enter', async () => {
  const history = conversation();
  const page = await openView();
  await send(page, {
    type: 'state',
    streams: [{ key: 's1', label: 'lazygit.mp4', kind: 'video' }],
    selected: 's1',
    entries: history.forStream('s1'),
    referenceModel: false,
  });
  const box = page.locator('#question');
  assert.match((await box.getAttribute('placeholder')) ?? '', /Ask about lazygit\.mp4/);
  await box.fill('What is selected?');
  await box.press('Shift+Enter');
  assert.deepEqual((await posted(page)).slice(1), [], 'Shift+Enter adds a line, asks nothing');
  await box.fill('What is selected?');
  await box.press('Enter');
  assert.deepEqual((await posted(page)).slice(1), [
    { type: 'ask', streamKey: 's1', question: 'What is selected?' },
  ]);
  assert.equal(await box.inputValue(), '', 'the box is cleared once asked');
  await box.press('Enter');
  assert.equal((await posted(page)).length, 2, 'an empty question is not sent');
  assert.match(await page.locator('#ask-hint').innerText(), /Type a question/);
  await page.close();
});

test('a pasted image is sent as bytes with the question; a dropped video as its URI', async () => {
  const page = await openView();
  await send(page, {
    type: 'state',
    streams: [],
    selected: null,
    entries: [],
    referenceModel: false,
  });
  assert.equal(await page.locator('#ask-send').isDisabled(), true, 'nothing to ask about yet');
  // A real 1x1 PNG through the clipboard event, as Ctrl+V delivers it.
  const png =
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
  await page.evaluate((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'shot.png', { type: 'image/png' }));
    document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data }));
  }, png);
  await page.locator('#attachment:not([hidden])').waitFor();
  assert.equal(await page.locator('#attachment-name').innerText(), 'shot.png');
  await page.locator('#question').fill('Where is Save?');
  await page.locator('#question').press('Enter');
  const [asked] = (await posted(page)).slice(1) as {
    type: string;
    question: string;
    image: { name: string; mimeType: string; base64: string; thumbnail?: string };
  }[];
  assert.equal(asked.type, 'askImage');
  assert.equal(asked.question, 'Where is Save?');
  assert.equal(asked.image.base64, png, 'the bytes arrive unchanged');
  assert.equal(asked.image.mimeType, 'image/png');
  assert.match(asked.image.thumbnail ?? '', /^data:image\/jpeg;base64,/);
  assert.equal(await page.locator('#attachment').isHidden(), true);

  await page.locator('#question').fill('When does it fail?');
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData('text/uri-list', 'file:///w/demo.mp4\r\n');
    document.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true }));
  });
  assert.deepEqual((await posted(page)).slice(2), [
    { type: 'askUri', uri: 'file:///w/demo.mp4', question: 'When does it fail?' },
  ]);
  assert.deepEqual(
    await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations),
    [],
  );
  await page.close();
});
