// Short tokens read again beside their neighbour. The recognizer reads whole text lines;
// given a crop holding only `^c` or `^G` it drops the caret or reads the key alone, but
// it reads the same token correctly when the crop runs on into the word beside it
// (`^c Quit`). So each short token is read again inside a crop that takes in a little of
// its row neighbour, and only the characters that fall on the token are kept: the token
// stays its own element, with its own box. Ink beside a text that no box covers (tokens
// the detector missed, missed-ink.ts) is read the same way.
import type { DecodedText } from './ctc';
import { DEFAULT_MISSED_INK_OPTIONS, findMissedInk, sharesRow } from './missed-ink';
import type { Box, RgbImage } from './types';

export interface ContextRereadOptions {
  /** Tokens at most this many text heights wide are read again (two to four characters). */
  maxTokenWidth: number;
  /** Largest gap to the neighbour, in text heights (one or two spaces in a monospace font). */
  maxGap: number;
  /** How much of the neighbour the crop takes in, in text heights (four or five characters). */
  context: number;
  /** Tokens read at least this confidently are left alone (`LF`, `main`, a line number). */
  sureAbove: number;
}

// Measured on the 9 real screenshots (fixtures/real): these settings read 141 of 147
// verified strings, against 134 with the reread turned off. Tokens up to 1.6 heights wide (the
// first try) missed chords whose detector box had taken in the next word's first letter
// (`s S`); a gap of 1.2 heights missed a faded tab number (`1  Settings`); two heights
// of context read `c Quit` where three read `^c Quit` (four read no more).
export const DEFAULT_CONTEXT_REREAD_OPTIONS: ContextRereadOptions = {
  maxTokenWidth: 3,
  maxGap: 1.6,
  context: 3,
  sureAbove: 0.95,
};

/** A token to read again: an existing text (`text` is its index) or ink no box covered. */
export interface RereadTarget {
  box: Box;
  neighbour: number;
  side: 'left' | 'right';
  text?: number;
}

interface Placed {
  box: Box;
  confidence: number;
}

/** Short texts and uncovered ink spans that sit one gap away from a row neighbour. */
export function rereadTargets(
  image: RgbImage,
  texts: Placed[],
  options: ContextRereadOptions = DEFAULT_CONTEXT_REREAD_OPTIONS,
): RereadTarget[] {
  const targets: RereadTarget[] = [];
  texts.forEach((t, i) => {
    if (t.box.w > options.maxTokenWidth * t.box.h || t.confidence >= options.sureAbove) return;
    const near = nearestOnRow(texts, i, options.maxGap);
    if (near) targets.push({ box: t.box, text: i, ...near });
  });
  const boxes = texts.map((t) => t.box);
  const missed = findMissedInk(image, boxes, {
    ...DEFAULT_MISSED_INK_OPTIONS,
    maxGap: options.maxGap,
    maxSpan: options.maxTokenWidth,
  });
  for (const span of missed)
    targets.push({ box: span.box, neighbour: span.neighbour, side: span.side });
  return targets;
}

/** The closest text on the same row within `maxGap` heights, and which side `i` is on. */
function nearestOnRow(
  texts: Placed[],
  i: number,
  maxGap: number,
): { neighbour: number; side: 'left' | 'right' } | undefined {
  const a = texts[i].box;
  let best: { neighbour: number; side: 'left' | 'right'; gap: number } | undefined;
  texts.forEach((t, j) => {
    const b = t.box;
    if (j === i || !sharesRow(a, b) || b.w <= a.w) return;
    const h = Math.max(a.h, b.h);
    const gapRight = b.x - (a.x + a.w); // b to the right of a: a is on b's left
    const gapLeft = a.x - (b.x + b.w);
    const [gap, side] =
      gapRight >= gapLeft ? [gapRight, 'left' as const] : [gapLeft, 'right' as const];
    // A detector box grown over the neighbour's first letter overlaps it (`s S` | `Save`).
    if (gap < -0.6 * h || gap > maxGap * h) return;
    if (!best || gap < best.gap) best = { neighbour: j, side, gap };
  });
  return best && { neighbour: best.neighbour, side: best.side };
}

/** The token plus `context` heights of its neighbour, with the detector's usual margin. */
export function contextCrop(
  image: RgbImage,
  target: RereadTarget,
  neighbour: Box,
  options: ContextRereadOptions = DEFAULT_CONTEXT_REREAD_OPTIONS,
): Box {
  const t = target.box;
  const h = Math.max(t.h, neighbour.h);
  const reach = options.context * h;
  const x0 =
    target.side === 'left' ? t.x : Math.max(neighbour.x, neighbour.x + neighbour.w - reach);
  const x1 =
    target.side === 'left' ? Math.min(neighbour.x + neighbour.w, neighbour.x + reach) : t.x + t.w;
  const y0 = Math.min(t.y, neighbour.y);
  const y1 = Math.max(t.y + t.h, neighbour.y + neighbour.h);
  const m = Math.round(h / 4);
  const left = Math.max(0, Math.floor(x0) - m);
  const top = Math.max(0, y0 - m);
  return {
    x: left,
    y: top,
    w: Math.min(image.width, Math.ceil(x1) + m) - left,
    h: Math.min(image.height, y1 + m) - top,
  };
}

/** The part of a context reading that lies on the token's side of the gap. */
export function tokenPart(read: DecodedText, target: RereadTarget, neighbour: Box): DecodedText {
  const t = target.box;
  const boundary =
    target.side === 'left' ? (t.x + t.w + neighbour.x) / 2 : (neighbour.x + neighbour.w + t.x) / 2;
  const onToken = (at: number) => (target.side === 'left' ? at < boundary : at > boundary);
  const characters = read.characters ?? [];
  let text = '';
  let sum = 0;
  let kept = 0;
  [...read.text].forEach((c, k) => {
    const placed = characters[k];
    if (!placed || !onToken(placed.at)) return;
    text += c;
    if (c.trim()) {
      sum += placed.p;
      kept++;
    }
  });
  return { text: text.trim(), confidence: kept ? sum / kept : 0 };
}
