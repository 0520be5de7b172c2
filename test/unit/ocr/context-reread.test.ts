// The geometry behind reading short tokens in context, without ONNX sessions: finding ink
// beside a text that no box covers, trimming characters read twice where boxes overlap,
// choosing tokens to read again, and splitting a context reading back onto the token.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  contextCrop,
  DEFAULT_CONTEXT_REREAD_OPTIONS,
  rereadTargets,
  tokenPart,
} from '../../../engine/ocr/context-reread';
import { findMissedInk } from '../../../engine/ocr/missed-ink';
import { trimOverlaps } from '../../../engine/ocr/overlap-trim';
import type { Box, RgbImage } from '../../../engine/ocr/types';

const BACKGROUND = [20, 24, 36];
const INK = [230, 230, 230];

/** A dark screen with light rectangles standing in for glyphs. */
function screen(width: number, height: number, glyphs: Box[]): RgbImage {
  const rgb = Buffer.alloc(width * height * 3);
  for (let p = 0; p < width * height; p++) rgb.set(BACKGROUND, p * 3);
  for (const g of glyphs)
    for (let y = g.y; y < g.y + g.h; y++)
      for (let x = g.x; x < g.x + g.w; x++) rgb.set(INK, (y * width + x) * 3);
  return { rgb, width, height };
}

// A word read by the detector: ink from x 100 to 159 on a 20 px band.
const WORD: Box = { x: 100, y: 10, w: 60, h: 20 };

test('ink one space left of a read word is found, with its own box', () => {
  const token = { x: 80, y: 12, w: 12, h: 16 }; // gap 8 px = 0.4 heights
  const image = screen(300, 40, [WORD, token]);
  const spans = findMissedInk(image, [WORD]);
  assert.equal(spans.length, 1);
  assert.deepEqual(spans[0], {
    box: { x: 80, y: WORD.y, w: 12, h: WORD.h },
    neighbour: 0,
    side: 'left',
  });
});

test('ink beyond the largest gap, covered by another box, or running into the edge is not reported', () => {
  const far = { x: 20, y: 12, w: 12, h: 16 }; // gap 68 px = 3.4 heights
  assert.equal(findMissedInk(screen(300, 40, [WORD, far]), [WORD]).length, 0);
  const covered = { x: 180, y: 10, w: 30, h: 20 };
  assert.equal(findMissedInk(screen(300, 40, [WORD, covered]), [WORD, covered]).length, 0);
  const edge = { x: 170, y: 10, w: 130, h: 20 }; // a shadow reaching the right edge
  assert.equal(findMissedInk(screen(300, 40, [WORD, edge]), [WORD]).length, 0);
});

test('a sliver touching the word is its own cut glyph; a wide touching block is a reverse-video key', () => {
  const sliver = { x: 95, y: 10, w: 5, h: 20 };
  assert.equal(findMissedInk(screen(300, 40, [WORD, sliver]), [WORD]).length, 0);
  const block = { x: 76, y: 10, w: 24, h: 20 };
  const spans = findMissedInk(screen(300, 40, [WORD, block]), [WORD]);
  assert.deepEqual(
    spans.map((s) => s.box),
    [{ x: 76, y: 10, w: 24, h: 20 }],
  );
});

test('ink between two words is reported once, for the nearer word', () => {
  const right = { x: 200, y: 10, w: 60, h: 20 };
  const token = { x: 170, y: 12, w: 10, h: 16 }; // 10 px from WORD, 20 px from right
  const spans = findMissedInk(screen(300, 40, [WORD, right, token]), [WORD, right]);
  assert.equal(spans.length, 1);
  assert.equal(spans[0].neighbour, 0);
  assert.equal(spans[0].side, 'right');
});

test('characters read inside the right-hand box are trimmed from the left text', () => {
  const texts = [
    { text: 'app:(', box: { x: 445, y: 865, w: 98, h: 28 }, characterX: [455, 468, 488, 507, 533] },
    { text: 'Quit Posting', box: { x: 534, y: 864, w: 216, h: 41 } },
  ];
  const trimmed = trimOverlaps(texts);
  assert.equal(trimmed[0].text, 'app:');
  assert.equal(trimmed[0].box.x + trimmed[0].box.w, 534);
  assert.equal(trimmed[1].text, 'Quit Posting');
});

test('the neighbour first letter read again is trimmed when its reading places it', () => {
  // Positions as read on posting-command-palette.png: the `(` is the Q's left half.
  const texts = [
    { text: 'app:(', box: { x: 445, y: 865, w: 98, h: 28 }, characterX: [454, 472, 490, 508, 538] },
    { text: 'Quit Posting', box: { x: 534, y: 864, w: 216, h: 41 }, characterX: [544, 558, 578] },
  ];
  assert.equal(trimOverlaps(texts)[0].text, 'app:');
});

test('a letter the neighbour box took in but did not read stays with the left text', () => {
  // gitui's key-hint bar: the `[D]` box starts on the `m` of `Item`; its `[` is 29 px on.
  const texts = [
    {
      text: 'Reset Item',
      box: { x: 678, y: 928, w: 164, h: 32 },
      characterX: [691, 707, 723, 739, 755, 771, 787, 803, 819, 835],
    },
    { text: '[D]', box: { x: 838, y: 928, w: 72, h: 29 }, characterX: [864, 884, 898] },
  ];
  const [left] = trimOverlaps(texts);
  assert.equal(left.text, 'Reset Item');
  assert.equal(left.box.w, 164, 'the box keeps the letter');
});

test('a box grown over the row below is not trimmed by a text on that row', () => {
  const texts = [
    { text: '"scripts":', box: { x: 1333, y: 534, w: 169, h: 49 }, characterX: [1340, 1360, 1380] },
    { text: '"build": "npm run build"', box: { x: 1358, y: 567, w: 1194, h: 59 } },
  ];
  assert.equal(trimOverlaps(texts)[0].text, '"scripts":');
});

test('short unsure tokens next to a word are read again; sure ones and long ones are not', () => {
  const image = screen(600, 40, []);
  const texts = [
    { box: { x: 60, y: 10, w: 30, h: 20 }, confidence: 0.6 }, // `c`, one space before Quit
    { box: { x: 100, y: 10, w: 80, h: 20 }, confidence: 0.99 }, // Quit
    { box: { x: 300, y: 10, w: 30, h: 20 }, confidence: 0.99 }, // a sure short token
    { box: { x: 340, y: 10, w: 80, h: 20 }, confidence: 0.99 },
  ];
  const targets = rereadTargets(image, texts);
  assert.deepEqual(targets, [{ box: texts[0].box, text: 0, neighbour: 1, side: 'left' }]);
});

test('the context crop takes in the token and three heights of its neighbour', () => {
  const image = screen(600, 40, []);
  const target = { box: { x: 60, y: 10, w: 30, h: 20 }, neighbour: 1, side: 'left' as const };
  const crop = contextCrop(image, target, { x: 100, y: 10, w: 200, h: 20 });
  const margin = 5; // a quarter of the height
  const reach = DEFAULT_CONTEXT_REREAD_OPTIONS.context * 20;
  assert.deepEqual(crop, { x: 55, y: 5, w: 100 + reach - 60 + 2 * margin, h: 30 });
});

test('a context reading keeps only the characters that lie on the token side of the gap', () => {
  const target = { box: { x: 60, y: 10, w: 30, h: 20 }, neighbour: 1, side: 'left' as const };
  const read = {
    text: '^c Quit',
    confidence: 0.9,
    characters: [62, 78, 93, 104, 118, 130, 140].map((at, k) => ({ at, p: k < 2 ? 0.8 : 1 })),
  };
  const part = tokenPart(read, target, { x: 100, y: 10, w: 80, h: 20 });
  assert.equal(part.text, '^c');
  assert.ok(Math.abs(part.confidence - 0.8) < 1e-9);
  const right = { ...target, side: 'right' as const, box: { x: 190, y: 10, w: 30, h: 20 } };
  assert.equal(tokenPart(read, right, { x: 100, y: 10, w: 80, h: 20 }).text, '');
});
