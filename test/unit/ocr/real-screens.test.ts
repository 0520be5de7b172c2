// Real screenshots: recall of the strings their manifests list as verified, and boxes of
// a few elements whose positions were checked by eye on an overlay. These are the nine
// screenshots of the shared fixtures (fixtures/real/MANIFEST.tsv), copied with their
// manifest lines: eight in test/fixtures/screens, tabby-ssh-session.png in
// test/fixtures/real (the ingest and editor tests use it too).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  readManifest,
  recallOf,
  rowTexts,
  verifiedStrings,
} from '../../../engine/bench/ocr-recall';
import { analyzeScreenshot } from '../../../engine/ocr/analyze';
import { OcrEngine } from '../../../engine/ocr/engine';
import { blockText } from '../../../engine/ocr/layout';
import type { Box, ScreenAnalysis } from '../../../engine/ocr/types';

const SCREENS = join(__dirname, '../../fixtures/screens');
const REAL = join(__dirname, '../../fixtures/real');
const MANIFEST = [SCREENS, REAL].flatMap((dir) =>
  readManifest(join(dir, 'MANIFEST.tsv'))
    .filter((m) => m.kind === 'screenshot')
    .map((m) => ({ ...m, path: join(dir, m.file) })),
);
// The product goal is 0.95 (what the off-the-shelf pipeline reaches on comparable screens).
// This pipeline reads 143/147 = 0.973 of these strings. The figure is deterministic for
// a given image and settings, but a reading that hangs on one character can flip with
// the padding of a recognizer batch, so tuning changes move it by a string or two.
// Misses: a tiny badge digit ("1"), an ellipsis read as ".." that swallows an "s", a key
// chord whose caret the recognizer drops even in context ("^s Save request"), and a
// manifest string whose last letter is cut off by the screenshot's edge ("whethe"). The
// tighter re-read of unsure crops fixed two misreads ("profil: Ubuntu", "certif...").
const RECALL_FLOOR = 0.95;

let engine: OcrEngine;
const analyses = new Map<string, ScreenAnalysis>();

before(async () => {
  engine = await OcrEngine.create({ provider: 'cpu' });
  for (const entry of MANIFEST)
    analyses.set(entry.file, await analyzeScreenshot(entry.path, { engine }));
});
after(() => engine.release());

/** Where a string may be read: a line, a block (label above value), or a row across the screen. */
const readableTexts = (a: ScreenAnalysis) => [
  ...a.lines.map((l) => l.text),
  ...a.blocks.map((b) => blockText(a, b)),
  ...rowTexts(a.elements),
];

test(`recall of the manifest's verified strings is at least ${RECALL_FLOOR * 100}%`, () => {
  let expected = 0;
  let read = 0;
  const missed: string[] = [];
  for (const entry of MANIFEST) {
    const result = recallOf(
      verifiedStrings(entry.description),
      readableTexts(analyses.get(entry.file)!),
    );
    assert.ok(
      result.expected >= 10,
      `${entry.file}: manifest lists only ${result.expected} strings`,
    );
    expected += result.expected;
    read += result.read;
    missed.push(...result.missed.map((m) => `${entry.file}: ${m}`));
  }
  const recall = read / expected;
  process.stdout.write(
    `# recall ${read}/${expected} = ${recall.toFixed(3)}; missed:\n#   ${missed.join('\n#   ')}\n`,
  );
  assert.ok(recall >= RECALL_FLOOR, `recall ${recall.toFixed(3)} below ${RECALL_FLOOR}`);
});

// Positions read off an overlay of the screenshot (ink of the text, +-2 px by eye).
const KNOWN: { file: string; text: string; box: Box }[] = [
  {
    file: 'windows-terminal-keybinding-edit-dialog.png',
    text: 'Keyboard',
    box: { x: 436, y: 112, w: 96, h: 22 },
  },
  {
    file: 'windows-terminal-keybinding-edit-dialog.png',
    text: 'Alt+F4',
    box: { x: 376, y: 378, w: 44, h: 15 },
  },
  {
    file: 'windows-terminal-keybinding-edit-dialog.png',
    text: 'Save',
    box: { x: 694, y: 452, w: 40, h: 17 },
  },
  // Read in context beside the next word (the caret is lost on the token alone).
  { file: 'posting-command-palette.png', text: '^c', box: { x: 373, y: 1373, w: 34, h: 21 } },
  // Ink beside "Settings" that the detector missed: a faded tab number.
  { file: 'tabby-ssh-session.png', text: '1', box: { x: 150, y: 1330, w: 12, h: 18 } },
];

test('boxes of known elements are within 6 px of their positions on the screenshot', () => {
  for (const known of KNOWN) {
    const a = analyses.get(known.file)!;
    const candidates = a.elements.filter((e) => e.text === known.text);
    assert.ok(candidates.length > 0, `${known.file}: '${known.text}' not read`);
    const distance = (b: Box) =>
      Math.max(
        Math.abs(b.x - known.box.x),
        Math.abs(b.y - known.box.y),
        Math.abs(b.x + b.w - known.box.x - known.box.w),
        Math.abs(b.y + b.h - known.box.y - known.box.h),
      );
    const best = Math.min(...candidates.map((e) => distance(e.box)));
    assert.ok(
      best <= 6,
      `${known.text}: nearest box is ${best} px off ${JSON.stringify(known.box)}`,
    );
  }
});

test('the blue Save button of the keybinding dialog is the first match for "where is the Save button"', async () => {
  const a = await analyzeScreenshot(join(SCREENS, 'windows-terminal-keybinding-edit-dialog.png'), {
    engine,
    query: 'where is the Save button',
  });
  const [best] = a.matches ?? [];
  assert.equal(best?.text, 'Save');
  assert.equal(best.role, 'button');
  // The button's box (668,436 90x45 by eye), not its label's.
  assert.ok(
    Math.abs(best.box.x - 668) <= 6 &&
      Math.abs(best.box.y - 436) <= 6 &&
      Math.abs(best.box.w - 90) <= 6 &&
      Math.abs(best.box.h - 45) <= 6,
    JSON.stringify(best.box),
  );
});
