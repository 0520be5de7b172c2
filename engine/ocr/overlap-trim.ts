// Characters read twice where two boxes on one row overlap. The detector grows each box
// beyond its ink, so a short token's box can take in the first letter of the word beside
// it, and the recognizer reads that letter's edge as well (`app:(` + `Quit Posting`, where
// the `(` is the left half of the Q). The right-hand text owns the overlap: characters the
// left one read inside it are dropped.
import type { Box } from './types';

export interface PlacedReading {
  text: string;
  box: Box;
  /** Image x of each character of `text` (by code point), when the reading kept them. */
  characterX?: number[];
}

/**
 * Texts with the characters read inside a right-hand neighbour's box removed, and their
 * boxes ended where the neighbour's begins (the caller tightens them to the ink again).
 */
export function trimOverlaps<T extends PlacedReading>(texts: T[]): T[] {
  return texts.map((t, i) => {
    if (!t.characterX) return t;
    const end = t.box.x + t.box.w;
    const cut = texts
      .filter((o, j) => j !== i && sameLine(t.box, o.box) && o.box.x > t.box.x && o.box.x < end)
      .reduce((x, o) => Math.min(x, o.box.x), Infinity);
    if (cut === Infinity) return t;
    const characters = [...t.text];
    // A CTC step fires near a glyph's left edge, so a letter cut in half by the left box's
    // edge can read a little before the neighbour's ink starts.
    const edge = cut - 0.2 * t.box.h;
    const text = characters
      .filter((_, k) => (t.characterX?.[k] ?? 0) < edge)
      .join('')
      .trim();
    if (!text) return t;
    // The box gives the overlap back too, even when no character fell in it.
    return { ...t, text, box: { ...t.box, w: Math.max(1, cut - t.box.x) } };
  });
}

/**
 * Centres within a third of the smaller height: stricter than sharing a row, because a
 * box grown over two terminal rows overlaps the row below it as well.
 */
function sameLine(a: Box, b: Box): boolean {
  const centre = (box: Box) => box.y + box.h / 2;
  return Math.abs(centre(a) - centre(b)) < Math.min(a.h, b.h) / 3;
}
