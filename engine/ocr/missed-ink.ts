// Finds ink beside a read text that no detected box covers. The detector runs on a
// downscaled screenshot (maxSide), where short tokens in their own colour fade below its
// threshold: key chords in a TUI footer (`^c Quit`, a reverse-video `^G`), a prompt's
// `~ $`, a faded tab number. They sit on the same row as text the detector did find, so
// scanning that row outward at full resolution finds them without a second detection.
import { backgroundColour, INK_DISTANCE } from './tight-box';
import type { Box, RgbImage } from './types';

export interface MissedInkOptions {
  /** Widest blank run, in text heights, between the text and the ink found beside it. */
  maxGap: number;
  /** Widest blank run, in text heights, inside one span (between its characters). */
  maxInnerGap: number;
  /** Widest span reported, in text heights: the scan is for short tokens, not whole lines. */
  maxSpan: number;
  /** Spans narrower than this, in text heights, are rules and borders, not characters. */
  minWidth: number;
  /**
   * Narrow ink closer than this to the text, in text heights, is the text's own edge (a
   * glyph the detector's box cut through), not a separate token. Wider touching ink is
   * kept: a reverse-video key (`^G`) is one filled block with its letter boxed inside.
   */
  minGap: number;
}

export const DEFAULT_MISSED_INK_OPTIONS: MissedInkOptions = {
  maxGap: 2.5,
  maxInnerGap: 0.8,
  maxSpan: 6,
  minWidth: 0.25,
  minGap: 0.25,
};

export interface MissedInk {
  /** The uncovered ink, in image pixels, on the neighbour's text band. */
  box: Box;
  /** Index of the read text whose row it was found on. */
  neighbour: number;
  /** Which side of the neighbour it lies on. */
  side: 'left' | 'right';
}

/** A glyph the detector's box cut through leaves less than this much of it outside, in heights. */
const CUT_GLYPH_WIDTH = 0.6;

/** Texts shorter than this many pixels are too small to scan reliably. */
const MIN_TEXT_HEIGHT = 8;

/**
 * Ink spans on the rows of `boxes` (tight text boxes) that no box covers. Each span is
 * reported once, for the nearest neighbour on its row.
 */
export function findMissedInk(
  image: RgbImage,
  boxes: Box[],
  options: MissedInkOptions = DEFAULT_MISSED_INK_OPTIONS,
): MissedInk[] {
  const found: (MissedInk & { gap: number })[] = [];
  boxes.forEach((box, i) => {
    if (box.h < MIN_TEXT_HEIGHT) return;
    const row = boxes.filter((other, j) => j !== i && sharesRow(box, other));
    const background = rowBackground(image, box);
    for (const side of ['left', 'right'] as const) {
      const span = scanSide(image, box, row, background, side, options);
      if (span) found.push({ ...span, neighbour: i, side });
    }
  });
  return dropDuplicates(found);
}

export function sharesRow(a: Box, b: Box): boolean {
  const overlap = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return overlap > 0.3 * Math.min(a.h, b.h);
}

/** Walks outward from one side of `box` along its band; returns the first ink span. */
function scanSide(
  image: RgbImage,
  box: Box,
  row: Box[],
  background: number[],
  side: 'left' | 'right',
  options: MissedInkOptions,
): { box: Box; gap: number } | undefined {
  const h = box.h;
  const step = side === 'left' ? -1 : 1;
  const start = side === 'left' ? box.x - 1 : box.x + box.w;
  const limit = side === 'left' ? -1 : image.width;
  const covered = (x: number) => row.some((b) => x >= b.x - 1 && x <= b.x + b.w);
  const minInk = Math.max(1, Math.round(h / 16));
  let near = -1; // span edge nearest the box
  let far = -1;
  let blank = 0;
  let gapBefore = 0;
  for (let x = start; x !== limit; x += step) {
    if (covered(x)) break;
    if (inkInColumn(image, x, box.y, box.y + box.h - 1, background) >= minInk) {
      if (near < 0) {
        near = x;
        gapBefore = Math.abs(x - start);
      }
      far = x;
      blank = 0;
      if (Math.abs(far - near) + 1 > options.maxSpan * h) return undefined;
    } else if (++blank > (near < 0 ? options.maxGap : options.maxInnerGap) * h) break;
  }
  if (near < 0) return undefined;
  const x0 = Math.min(near, far);
  const width = Math.abs(far - near) + 1;
  if (width < options.minWidth * h) return undefined;
  if (gapBefore < options.minGap * h && width < CUT_GLYPH_WIDTH * h) return undefined;
  // Ink that runs into the image's edge is window chrome or a shadow, not a token.
  if (x0 === 0 || x0 + width === image.width) return undefined;
  return { box: { x: x0, y: box.y, w: width, h: box.h }, gap: gapBefore };
}

/** The row's background: the commonest colour just outside the text's own box. */
function rowBackground(image: RgbImage, box: Box): number[] {
  const x0 = Math.max(0, box.x - 2);
  const y0 = Math.max(0, box.y - 2);
  const x1 = Math.min(image.width - 1, box.x + box.w + 1);
  const y1 = Math.min(image.height - 1, box.y + box.h + 1);
  return backgroundColour(image, x0, y0, x1, y1);
}

function inkInColumn(image: RgbImage, x: number, y0: number, y1: number, bg: number[]): number {
  let ink = 0;
  for (let y = Math.max(0, y0); y <= Math.min(image.height - 1, y1); y++) {
    const i = (y * image.width + x) * 3;
    const d =
      Math.abs(image.rgb[i] - bg[0]) +
      Math.abs(image.rgb[i + 1] - bg[1]) +
      Math.abs(image.rgb[i + 2] - bg[2]);
    if (d > INK_DISTANCE) ink++;
  }
  return ink;
}

/** Spans found from both neighbours (the token between two words) are kept once, nearest first. */
function dropDuplicates(found: (MissedInk & { gap: number })[]): MissedInk[] {
  const kept: (MissedInk & { gap: number })[] = [];
  for (const span of [...found].sort((a, b) => a.gap - b.gap)) {
    if (kept.some((k) => overlapRatio(k.box, span.box) > 0.5)) continue;
    kept.push(span);
  }
  return kept.map(({ box, neighbour, side }) => ({ box, neighbour, side }));
}

function overlapRatio(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / Math.min(a.w * a.h, b.w * b.h);
}
