// Splits a long detected line into word groups at the blank gaps between words. The
// recognizer's cost per column grows with the crop's width (its SVTR neck attends across
// the whole line): on 2 cores a 1300-column line costs about 0.085 ms per column, a
// 300-column piece about 0.06. Code and terminal lines are long, so reading them in
// pieces cut where there is no ink costs less, and a short piece gives the recognizer
// less context to misread a lone symbol from (the backticks around `x` in a code line).
import { backgroundColour, INK_DISTANCE, tightenBox } from './tight-box';
import type { Box, RgbImage } from './types';

export interface LineSplitOptions {
  /** Lines wider than this many recognizer columns are split (0: never). */
  maxColumns: number;
  /** Recognizer line height, to convert a box's width into recognizer columns. */
  lineHeight: number;
  /**
   * Pieces still wider than this many columns (the widest crop the recognizer reads
   * without squeezing it) are cut again at their widest blank runs (0: never).
   */
  widestColumns?: number;
}

/**
 * Which columns of the box hold ink, over the rows where the box has ink at all: the
 * line's letters with their ascenders, descenders and underscores, and any of a
 * neighbouring row the grown box took in (which only makes cuts rarer).
 */
function inkColumns(image: RgbImage, box: Box): boolean[] {
  const rows = tightenBox(image, box);
  const x0 = Math.max(0, box.x);
  const x1 = Math.min(image.width - 1, box.x + box.w - 1);
  const y0 = Math.max(0, rows.y);
  const y1 = Math.min(image.height - 1, rows.y + rows.h - 1);
  const outlineTop = Math.max(0, box.y);
  const outlineBottom = Math.min(image.height - 1, box.y + box.h - 1);
  const bg = backgroundColour(image, x0, outlineTop, x1, outlineBottom);
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
  const runs = blankRuns(inkColumns(image, box), originX);
  // Measured on the real screenshots: blank runs between words are 0.25 to 0.55 of the
  // grown box's height; runs inside a token (beside a narrow monospace '.', ':' or '/', or
  // a 'T' whose bar is above the band) reach 0.24. Cutting inside a token would put a
  // space into it ("13. 79.81.98"), so only clear word spaces are cut.
  const minGap = Math.max(3, Math.round(box.h * 0.3));
  const cuts = runs.filter(([, width]) => width >= minGap).map(([centre]) => centre);
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
  const widest = (options.widestColumns ?? 0) / columnsPerPixel;
  return widest > 0 ? pieces.flatMap((piece) => cutToFit(piece, runs, widest)) : pieces;
}

/**
 * A piece too wide for the recognizer, cut at its widest blank run (the one nearest its
 * middle among equals) until each part fits or has no blank run left. Squeezing it to
 * fit instead merges narrow letters: a HiDPI paragraph line whose word spaces are under
 * the cut threshold (a tall grown box over a proportional web font) read "cokies".
 */
function cutToFit(piece: Box, runs: [number, number][], maxWidth: number): Box[] {
  if (piece.w <= maxWidth) return [piece];
  const end = piece.x + piece.w;
  const middle = piece.x + piece.w / 2;
  const inside = runs.filter(([centre]) => centre > piece.x && centre < end);
  if (!inside.length) return [piece];
  const [cut] = inside.reduce((best, run) =>
    run[1] > best[1] ||
    (run[1] === best[1] && Math.abs(run[0] - middle) < Math.abs(best[0] - middle))
      ? run
      : best,
  );
  return [
    ...cutToFit({ x: piece.x, y: piece.y, w: cut - piece.x, h: piece.h }, runs, maxWidth),
    ...cutToFit({ x: cut, y: piece.y, w: end - cut, h: piece.h }, runs, maxWidth),
  ];
}
