// The crop the recognizer reads for a detected box, fitted to the line's ink:
//  - Top and bottom: the band of rows the line's ink occupies, with a margin. The detector
//    runs on a reduced image and grows ("unclips") its boxes; on small text that growth is
//    about twice the text's height, so the text fills under half of the recognizer's 48 px
//    rows and thin word spaces and letters vanish ("thelst word" for "the last word"). Only
//    the band that holds the box's middle is kept: a grown box also takes in the edges of
//    the rows above and below.
//  - Left and right: where ink touches a side of the box, the detector cut through a letter
//    ("quidfunk/" for "squidfunk/"), so that side grows until a blank gap ends the word;
//    not where another detected box on the same row lies that way (a key chord's box
//    touching the next word's, `^c` + `Quit`): that box reads those letters.
import { backgroundColour, INK_DISTANCE } from './tight-box';
import type { Box, RgbImage } from './types';

/** Margin kept above and below the ink, as a share of the ink band's height. */
const MARGIN = 0.3;
/** Narrow only boxes taller than this many times the band with its margins. */
const MIN_EXCESS = 1.15;
/** A blank run this wide (share of the band's height) ends a word when growing a side. */
const WORD_GAP = 0.15;
/** A side grows at most this far (share of the band's height). */
const MAX_GROWTH = 1;
/** A column inked over this share of the band is solid: a stem, a border or a block. */
const SOLID = 0.9;
/** Solid columns this wide together (share of the band's height) are a block, not a stem. */
const BLOCK = 0.3;

interface Ink {
  image: RgbImage;
  bg: number[];
}

function isInk({ image, bg }: Ink, x: number, y: number): boolean {
  const i = (y * image.width + x) * 3;
  return (
    Math.abs(image.rgb[i] - bg[0]) +
      Math.abs(image.rgb[i + 1] - bg[1]) +
      Math.abs(image.rgb[i + 2] - bg[2]) >
    INK_DISTANCE
  );
}

/** Share of the rows y0..y1 that hold ink in column x. */
function columnInk(ink: Ink, x: number, y0: number, y1: number): number {
  let n = 0;
  for (let y = y0; y <= y1; y++) if (isInk(ink, x, y)) n++;
  return n / (y1 - y0 + 1);
}

/** The run of inked rows that holds (or is nearest) the box's middle row, in image rows. */
function middleRun(ink: Ink, x0: number, x1: number, y0: number, y1: number) {
  const runs: [number, number][] = [];
  for (let y = y0; y <= y1; y++) {
    let found = false;
    for (let x = x0; x <= x1 && !found; x++) found = isInk(ink, x, y);
    if (!found) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === y - 1) last[1] = y;
    else runs.push([y, y]);
  }
  if (!runs.length) return undefined;
  const middle = (y0 + y1) / 2;
  const distance = ([a, b]: [number, number]) =>
    middle < a ? a - middle : middle > b ? middle - b : 0;
  return runs.reduce((best, run) => (distance(run) < distance(best) ? run : best));
}

/**
 * How far a side must grow to take in the cut word: 0 when no ink touches it, or when a
 * run of columns beyond it is inked over nearly the band's whole height and too wide to
 * be a letter's stem (the block of a reverse-video key like nano's `^G`, which the
 * recognizer misreads beside text).
 */
function growth(ink: Ink, edge: number, step: 1 | -1, band: [number, number]): number {
  const height = band[1] - band[0] + 1;
  if (columnInk(ink, edge, band[0], band[1]) === 0) return 0;
  const gap = Math.max(2, Math.round(height * WORD_GAP));
  const limit = Math.round(height * MAX_GROWTH);
  const block = Math.max(3, Math.round(height * BLOCK));
  let blank = 0;
  let solid = 0;
  let grown = 0;
  for (let d = 1; d <= limit; d++) {
    const x = edge + step * d;
    if (x < 0 || x >= ink.image.width) break;
    const share = columnInk(ink, x, band[0], band[1]);
    solid = share >= SOLID ? solid + 1 : 0;
    if (solid >= block) return 0;
    if (share > 0) {
      blank = 0;
      grown = d;
    } else if (++blank >= gap) break;
  }
  return grown ? grown + Math.ceil(gap / 2) : 0;
}

/** Whether another box on the band's row lies within `reach` pixels of the side. */
function blocked(box: Box, others: Box[], band: [number, number], side: -1 | 1, reach: number) {
  return others.some((o) => {
    if (o === box) return false;
    const centre = o.y + o.h / 2;
    if (centre < band[0] || centre > band[1]) return false;
    return side < 0
      ? o.x < box.x && o.x + o.w >= box.x - reach
      : o.x + o.w > box.x + box.w && o.x <= box.x + box.w + reach;
  });
}

/** The crop to read for `box`; `others` are the other boxes detected on the image. */
export function readingCrop(image: RgbImage, box: Box, others: Box[] = []): Box {
  const x0 = Math.max(0, box.x);
  const x1 = Math.min(image.width - 1, box.x + box.w - 1);
  const y0 = Math.max(0, box.y);
  const y1 = Math.min(image.height - 1, box.y + box.h - 1);
  if (x1 - x0 < 2 || y1 - y0 < 2) return box;
  const ink = { image, bg: backgroundColour(image, x0, y0, x1, y1) };
  const band = middleRun(ink, x0, x1, y0, y1);
  if (!band) return box;
  const height = band[1] - band[0] + 1;
  const margin = Math.max(2, Math.round(height * MARGIN));
  const top = Math.max(box.y, band[0] - margin);
  const bottom = Math.min(box.y + box.h, band[1] + 1 + margin);
  const narrowed = box.h >= (bottom - top) * MIN_EXCESS;
  const reach = Math.round(height * MAX_GROWTH);
  const left = blocked(box, others, band, -1, reach) ? 0 : growth(ink, x0, -1, band);
  const right = blocked(box, others, band, 1, reach) ? 0 : growth(ink, x1, 1, band);
  if (!narrowed && !left && !right) return box;
  return {
    x: box.x - left,
    y: narrowed ? top : box.y,
    w: box.w + left + right,
    h: narrowed ? bottom - top : box.h,
  };
}
