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
    const xs = t.characterX;
    if (!xs) return t;
    const end = t.box.x + t.box.w;
    const neighbours = texts.filter(
      (o, j) => j !== i && sameLine(t.box, o.box) && o.box.x > t.box.x && o.box.x < end,
    );
    if (!neighbours.length) return t;
    const cut = Math.min(...neighbours.map((o) => o.box.x));
    const edge = Math.min(...neighbours.map((o) => duplicateEdge(o, t.box.h)));
    const characters = [...t.text];
    const keep = characters.map((_, k) => (xs[k] ?? 0) < edge);
    const text = characters
      .filter((_, k) => keep[k])
      .join('')
      .trim();
    if (!text) return t;
    // The box gives the overlap back too, even when no character fell in it, unless the
    // last kept letter (read near its left edge, about half a height wide) reaches into it.
    const lastKept = xs[keep.lastIndexOf(true)] ?? 0;
    const w = lastKept + 0.5 * t.box.h >= cut ? t.box.w : Math.max(1, cut - t.box.x);
    return { ...t, text, box: { ...t.box, w } };
  });
}

/**
 * Where the left text's characters start being the neighbour's first letter read again.
 * A CTC step fires near a glyph's left edge, so a letter cut in half by the left box's edge
 * reads a little before the neighbour's ink starts (`app:(` + `Quit Posting`: the `(` at
 * x 538, the box at 534, the `Q` read at 544). A letter of the left text that the
 * neighbour's grown box took in but did not read (`Reset Item` + `[D]`: the `m` at 835,
 * the box at 838, the `[` read at 864) lies well before the neighbour's first character.
 */
function duplicateEdge(neighbour: PlacedReading, height: number): number {
  const byBox = neighbour.box.x - 0.2 * height;
  const first = neighbour.characterX?.[0];
  return first === undefined ? byBox : Math.max(byBox, first - 0.3 * height);
}

/**
 * Centres within a third of the smaller height: stricter than sharing a row, because a
 * box grown over two terminal rows overlaps the row below it as well.
 */
function sameLine(a: Box, b: Box): boolean {
  const centre = (box: Box) => box.y + box.h / 2;
  return Math.abs(centre(a) - centre(b)) < Math.min(a.h, b.h) / 3;
}
