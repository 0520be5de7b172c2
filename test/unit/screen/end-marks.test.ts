// What a control surface's right end shows (engine/screen/controls/end-marks.ts), on drawn
// images: a chevron near the frame of a wide dropdown, and a chevron OCR took into the
// text's box, against a letter after a word space and a chevron not set apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rightMarker, swallowedChevron } from '../../../engine/screen/controls/end-marks';
import type { Region } from '../../../engine/screen/controls/regions';
import type { Box, RgbImage } from '../../../engine/ocr/types';

const BACKGROUND = 40;
const INK = 200;

function canvas(width: number, height: number): RgbImage {
  return { width, height, rgb: new Uint8Array(width * height * 3).fill(BACKGROUND) };
}

function paint(image: RgbImage, x: number, y: number) {
  image.rgb.fill(INK, (y * image.width + x) * 3, (y * image.width + x) * 3 + 3);
}

function block(image: RgbImage, b: Box) {
  for (let y = b.y; y < b.y + b.h; y++) for (let x = b.x; x < b.x + b.w; x++) paint(image, x, y);
}

/** A `⌄` whose arms are `w` wide, tip at the bottom, top-left corner at (x, y). */
function chevron(image: RgbImage, x: number, y: number, w: number) {
  const half = Math.floor(w / 2);
  for (let i = 0; i <= half; i++) {
    paint(image, x + i, y + i);
    paint(image, x + w - 1 - i, y + i);
  }
}

/** A `^`: as wide at the bottom as a chevron at the top. */
function caret(image: RgbImage, x: number, y: number, w: number) {
  const half = Math.floor(w / 2);
  for (let i = 0; i <= half; i++) {
    paint(image, x + half - i, y + i);
    paint(image, x + half + i, y + i);
  }
}

const surface = (box: Box): Region => ({ id: 1, box, area: box.w * box.h, rgb: [40, 40, 40] });

/** Three 12-pixel-tall letters from x = 10 to 40, on rows 10-21. */
function word(image: RgbImage) {
  for (const x of [10, 21, 32]) block(image, { x, y: 10, w: 8, h: 12 });
}
const TEXT: Box = { x: 10, y: 10, w: 30, h: 12 };

test('a chevron three pixels from the end of a wide dropdown is found whole', () => {
  const image = canvas(400, 40);
  word(image);
  chevron(image, 383, 13, 11); // ends at 393; the surface ends at 397
  const marker = rightMarker(image, surface({ x: 2, y: 1, w: 396, h: 30 }), TEXT);
  assert.equal(marker, 'chevron');
});

test('a chevron OCR took into the text box is found when set a word space apart', () => {
  const image = canvas(100, 40);
  word(image);
  chevron(image, 48, 14, 7); // 8 columns after the last letter, rows 14-17
  const text = { ...TEXT, w: 45 };
  assert.equal(swallowedChevron(image, surface({ x: 0, y: 0, w: 100, h: 40 }), text), true);
});

test('an up caret, or a chevron touching the word, is not a swallowed chevron', () => {
  const up = canvas(100, 40);
  word(up);
  caret(up, 48, 14, 7);
  const text = { ...TEXT, w: 45 };
  assert.equal(swallowedChevron(up, surface({ x: 0, y: 0, w: 100, h: 40 }), text), false);
  const close = canvas(100, 40);
  word(close);
  chevron(close, 41, 14, 7);
  const closeText = { ...TEXT, w: 38 };
  assert.equal(swallowedChevron(close, surface({ x: 0, y: 0, w: 100, h: 40 }), closeText), false);
});
