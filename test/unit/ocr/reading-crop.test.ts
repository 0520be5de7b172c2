// The crop the recognizer reads (engine/ocr/reading-crop.ts), on painted images: dark
// strokes on white standing for letters, so every expected edge is known to the pixel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readingCrop } from '../../../engine/ocr/reading-crop';
import type { RgbImage } from '../../../engine/ocr/types';

function canvas(width: number, height: number): RgbImage & { stroke: typeof stroke } {
  const rgb = new Uint8Array(width * height * 3).fill(255);
  function stroke(x0: number, y0: number, w: number, h: number) {
    for (let y = y0; y < y0 + h; y++) rgb.fill(0, (y * width + x0) * 3, (y * width + x0 + w) * 3);
  }
  return { width, height, rgb, stroke };
}

/** A "word": letters 4 px wide with 2 px gaps, `height` tall. */
function word(
  image: ReturnType<typeof canvas>,
  x: number,
  y: number,
  letters: number,
  height = 20,
) {
  for (let i = 0; i < letters; i++) image.stroke(x + i * 6, y, 4, height);
}

test('a box grown over the rows above and below is narrowed to its own line with a margin', () => {
  const image = canvas(200, 120);
  word(image, 20, 10, 10); // the line above: rows 10..29
  word(image, 20, 50, 10); // this line: rows 50..69
  word(image, 20, 90, 10); // the line below: rows 90..109
  const crop = readingCrop(image, { x: 10, y: 26, w: 80, h: 68 });
  assert.deepEqual(crop, { x: 10, y: 44, w: 80, h: 32 }); // 20 rows of ink + 6 above and below
});

test('a box that already fits its line is left as it is', () => {
  const image = canvas(200, 60);
  word(image, 20, 20, 10);
  const box = { x: 10, y: 13, w: 80, h: 34 };
  assert.deepEqual(readingCrop(image, box), box);
});

test('a side that cuts through a letter grows to the end of the word, and no further', () => {
  const image = canvas(200, 60);
  word(image, 20, 20, 10); // letters at x 20..77
  word(image, 100, 20, 3); // the next word, 22 px away
  const crop = readingCrop(image, { x: 13, y: 13, w: 50, h: 34 }); // cuts the 7th letter
  assert.equal(crop.x, 13);
  const right = crop.x + crop.w;
  assert.ok(right >= 78 && right < 100, `right edge ${right} should end the word before 100`);
});

test('a side does not grow into a solid block, nor where another box on the row reads those letters', () => {
  const image = canvas(200, 60);
  image.stroke(10, 15, 24, 30); // a reverse-video key block
  word(image, 36, 20, 5); // its label, touching the box's left edge at 36
  const box = { x: 38, y: 13, w: 40, h: 34 };
  assert.equal(readingCrop(image, box).x, 38);
  const plain = canvas(200, 60);
  word(plain, 20, 20, 10);
  const cut = { x: 45, y: 13, w: 40, h: 34 }; // cuts a letter at 44..47
  assert.ok(readingCrop(plain, cut).x < 45);
  const neighbour = { x: 12, y: 14, w: 34, h: 32 };
  assert.equal(readingCrop(plain, cut, [neighbour, cut]).x, 45);
});
