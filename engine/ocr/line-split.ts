// Splits a long detected line into word groups at the blank gaps between words. The
// recognizer's cost per column grows with the crop's width (its SVTR neck attends across
// the whole line): on 2 cores a 1300-column line costs about 0.085 ms per column, a
// 300-column piece about 0.06. Code and terminal lines are long, so reading them in
// pieces cut where there is no ink costs less, and a short piece gives the recognizer
// less context to misread a lone symbol from (the backticks around `x` in a code line).
import { backgroundColour, INK_DISTANCE } from './tight-box';
import type { Box, RgbImage } from './types';

export interface LineSplitOptions {
  /** Lines wider than this many recognizer columns are split (0: never). */
  maxColumns: number;
  /** Recognizer line height, to convert a box's width into recognizer columns. */
  lineHeight: number;
}

/**
 * Which columns of the box's middle band (the half around its centre, where a line's
 * letters are; above and below it the grown box may take in neighbouring rows) hold ink.
 */
function inkColumns(image: RgbImage, box: Box): boolean[] {
  const x0 = Math.max(0, box.x);
  const x1 = Math.min(image.width - 1, box.x + box.w - 1);
  const y0 = Math.max(0, Math.round(box.y + box.h / 4));
  const y1 = Math.min(image.height - 1, Math.round(box.y + (box.h * 3) / 4));
  const bg = backgroundColour(image, x0, y0, x1, y1);
  const ink: boolean[] = [];
  for (let x = x0; x <= x1; x++) {
    let found = false;
    for (let y = y0; y <= y1 && !found; y++) {
      const i = (y * image.width + x) * 3;
      found =
        Math.abs(image.rgb[i] - bg[0]) +
          Math.abs(image.rgb[i + 1] - bg[1]) +
          Math.abs(image.rgb[i + 2] - bg[2]) >
        INK_DISTANCE;
    }
    ink.push(found);
  }
  return ink;
}

/** Gap runs and their widths: [centre, width] in image pixels. */
function blankRuns(ink: boolean[], originX: number): [number, number][] {
  const first = ink.indexOf(true);
  const last = ink.lastIndexOf(true);
  const runs: [number, number][] = [];
  let start = -1;
  for (let x = first; x >= 0 && x <= last; x++) {
    if (!ink[x]) {
      if (start < 0) start = x;
    } else if (start >= 0) {
      runs.push([originX + Math.floor((start + x) / 2), x - start]);
      start = -1;
    }
  }
  return runs;
}

/**
 * The box cut into pieces of at most `maxColumns` recognizer columns, at blank gaps wide
 * enough to be spaces between words. A box that is short enough, or has no such gap,
 * comes back whole. Pieces cover the box left to right without overlap.
 */
export function splitAtGaps(image: RgbImage, box: Box, options: LineSplitOptions): Box[] {
  const columnsPerPixel = options.lineHeight / Math.max(1, box.h);
  const maxWidth = options.maxColumns / columnsPerPixel;
  if (options.maxColumns <= 0 || box.w <= maxWidth) return [box];
  const originX = Math.max(0, box.x);
  // The letters' height is about 40% of the grown box's. Half of that is blank only
  // between words (a monospace space, or a wide proportional one): gaps between letters,
  // widened where faint anti-aliased edges do not count as ink, stay narrower.
  const minGap = Math.max(3, Math.round(box.h * 0.2));
  const cuts = blankRuns(inkColumns(image, box), originX)
    .filter(([, width]) => width >= minGap)
    .map(([centre]) => centre);
  const pieces: Box[] = [];
  let start = box.x;
  const end = box.x + box.w;
  while (end - start > maxWidth) {
    const fitting = cuts.filter((c) => c > start && c - start <= maxWidth);
    // No gap within reach: cut at the first gap beyond it (a long word stays whole).
    const cut = fitting.length ? fitting[fitting.length - 1] : cuts.find((c) => c > start);
    if (cut === undefined) break;
    pieces.push({ x: start, y: box.y, w: cut - start, h: box.h });
    start = cut;
  }
  pieces.push({ x: start, y: box.y, w: end - start, h: box.h });
  return pieces;
}
