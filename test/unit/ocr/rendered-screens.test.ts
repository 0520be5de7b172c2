// Screens drawn with sharp from SVG, so the exact text and ink boxes are known; and bad
// input, which must fail with an error that names the problem.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { analyzeScreenshot } from '../../../engine/ocr/analyze';
import { OcrEngine } from '../../../engine/ocr/engine';
import { loadRgbImage } from '../../../engine/ocr/image-input';
import { findMatches } from '../../../engine/ocr/query';
import type { Box, ScreenAnalysis } from '../../../engine/ocr/types';
import { renderScreen, TEXTS, type RenderedScreen } from './rendered-screen';

let engine: OcrEngine;
let screen: RenderedScreen;
let analysis: ScreenAnalysis;

before(async () => {
  engine = await OcrEngine.create({ provider: 'cpu' });
  screen = await renderScreen();
  analysis = await analyzeScreenshot(screen.png, { engine, query: 'where is the Save button' });
});
after(() => engine.release());

function assertBoxNear(actual: Box, expected: Box, tolerance: number, what: string) {
  const edges = (b: Box) => [b.x, b.y, b.x + b.w, b.y + b.h];
  const a = edges(actual);
  const e = edges(expected);
  for (let i = 0; i < 4; i++)
    assert.ok(
      Math.abs(a[i] - e[i]) <= tolerance,
      `${what}: box ${JSON.stringify(actual)} vs drawn ${JSON.stringify(expected)}`,
    );
}

test('every drawn text is read exactly, with its box within 3 px of the drawn ink', () => {
  for (const drawn of TEXTS) {
    const element = analysis.elements.find((e) => e.text === drawn.text);
    assert.ok(
      element,
      `'${drawn.text}' not read; read: ${analysis.elements.map((e) => e.text).join(' | ')}`,
    );
    assertBoxNear(element.box, screen.boxes[drawn.id], 3, drawn.text);
  }
  assert.equal(analysis.width, 1280);
  assert.equal(analysis.height, 720);
});

test('reading order: title bar, heading, body, link, then the buttons left to right', () => {
  assert.deepEqual(
    analysis.elements.map((e) => e.text),
    TEXTS.map((t) => t.text),
  );
  for (const e of analysis.elements)
    assert.ok(e.confidence > 0.8, `${e.text}: confidence ${e.confidence}`);
});

test('"where is the Save button" finds the filled Save button, not the word Save in the sentence', () => {
  const [best] = analysis.matches ?? [];
  assert.equal(best?.text, 'Save');
  assert.equal(best.role, 'button');
  // The control's box (the rendered button: 640,400 110x44), not the label's.
  assertBoxNear(best.box, { x: 640, y: 400, w: 110, h: 44 }, 3, 'Save button');
  assert.ok(
    analysis.timings.totalMs > 0 &&
      analysis.timings.detectMs > 0 &&
      analysis.timings.recognizeMs > 0,
  );
});

test('other queries on the same screen: a link by its words, a label with a typo', async () => {
  const link = findMatches(analysis, 'the learn more link', await loadRgbImage(screen.png))[0];
  assert.equal(link.text, 'Learn more about autosave');
  assert.equal(link.role, 'link');
  assert.equal(findMatches(analysis, 'Cancle')[0].text, 'Cancel');
});

test('bad input: each case fails with an error that names the problem', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlm-ocr-bad-'));
  const notImage = join(dir, 'notes.png');
  writeFileSync(notImage, 'this is text, not a picture\n');
  await assert.rejects(
    analyzeScreenshot(notImage, { engine }),
    /notes\.png.*not an image|notes\.png.*unsupported|notes\.png: .*image/i,
  );
  const empty = join(dir, 'empty.png');
  writeFileSync(empty, '');
  await assert.rejects(analyzeScreenshot(empty, { engine }), /empty\.png.*empty \(0 bytes\)/);
  await assert.rejects(analyzeScreenshot(Buffer.alloc(0), { engine }), /empty \(0 bytes\)/);
  const transparent = await sharp({
    create: { width: 200, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
  })
    .png()
    .toBuffer();
  await assert.rejects(analyzeScreenshot(transparent, { engine }), /fully transparent/);
  await assert.rejects(
    analyzeScreenshot(screen.png, { engine, maxPixels: 500_000 }),
    /over the limit of 500000 pixels/,
  );
  await assert.rejects(
    analyzeScreenshot(join(dir, 'missing.png'), { engine }),
    /missing\.png.*not found/,
  );
});
