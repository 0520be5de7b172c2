// Guesses what kind of UI element a changed region is from its geometry and the lines in
// it: a toast sits small against an edge, a dialog is centred, a menu is a column of
// short left-aligned lines, a page change repaints most of the screen.
import type { Box, UiEventType } from './types';

export interface RegionFacts {
  region: Box;
  frame: { width: number; height: number };
  /** Fraction of the frame's blocks that changed in this frame. */
  changedFraction: number;
  /** Boxes of the text lines inside the region. */
  lines: Box[];
}

export function classifyRegion(f: RegionFacts): { type: UiEventType; confidence: number } {
  const { region: r, frame } = f;
  const areaShare = (r.w * r.h) / (frame.width * frame.height);
  if (f.changedFraction >= 0.45 || areaShare >= 0.6)
    return { type: 'page', confidence: round(Math.min(1, 0.5 + f.changedFraction / 2)) };
  const nearRight = frame.width - (r.x + r.w) < frame.width * 0.08;
  const nearTopOrBottom =
    r.y < frame.height * 0.12 || frame.height - (r.y + r.h) < frame.height * 0.12;
  const small = r.w < frame.width * 0.5 && r.h < frame.height * 0.3;
  if (small && f.lines.length <= 4 && (nearRight || nearTopOrBottom) && r.w > r.h)
    return { type: 'notification', confidence: nearRight && nearTopOrBottom ? 0.8 : 0.55 };
  const rows = distinctRows(f.lines);
  if (rows >= 3 && leftAligned(f.lines) && r.w < frame.width * 0.6)
    return { type: 'menu', confidence: round(Math.min(0.9, 0.4 + rows * 0.08)) };
  const cx = r.x + r.w / 2;
  const cy = r.y + r.h / 2;
  const centred =
    Math.abs(cx - frame.width / 2) < frame.width * 0.15 &&
    Math.abs(cy - frame.height / 2) < frame.height * 0.25;
  if (centred && r.w >= frame.width * 0.2 && r.h >= frame.height * 0.12)
    return { type: 'dialog', confidence: 0.6 };
  if (areaShare < 0.25 && f.lines.length >= 1 && rows >= 2)
    return { type: 'popup', confidence: 0.4 };
  return { type: 'region', confidence: 0.3 };
}

function distinctRows(lines: Box[]): number {
  const centres = lines.map((b) => b.y + b.h / 2).sort((a, b) => a - b);
  let rows = 0;
  let last = -Infinity;
  const h = Math.max(1, ...lines.map((b) => b.h));
  for (const c of centres)
    if (c - last > h * 0.6) {
      rows++;
      last = c;
    }
  return rows;
}

function leftAligned(lines: Box[]): boolean {
  if (lines.length < 3) return false;
  const xs = lines.map((b) => b.x).sort((a, b) => a - b);
  const median = xs[xs.length >> 1]!;
  const h = Math.max(1, ...lines.map((b) => b.h));
  return xs.filter((x) => Math.abs(x - median) <= h).length / xs.length >= 0.6;
}

const round = (x: number) => Math.round(x * 100) / 100;
