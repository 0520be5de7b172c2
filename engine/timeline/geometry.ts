// Box arithmetic the timeline's matchers share.
import type { Box } from './types';

export const area = (b: Box): number => Math.max(0, b.w) * Math.max(0, b.h);

export function intersection(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

export function iou(a: Box, b: Box): number {
  const i = intersection(a, b);
  return i === 0 ? 0 : i / (area(a) + area(b) - i);
}

/** How much of `inner` lies inside `outer`, 0-1. */
export function coverage(inner: Box, outer: Box): number {
  const a = area(inner);
  return a === 0 ? 0 : intersection(inner, outer) / a;
}

/** Vertical overlap over the shorter height: 1 when two boxes sit on the same row. */
export function rowOverlap(a: Box, b: Box): number {
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return h > 0 ? h / Math.min(a.h, b.h) : 0;
}

export function union(boxes: Box[]): Box {
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  const r = Math.max(...boxes.map((b) => b.x + b.w));
  const bottom = Math.max(...boxes.map((b) => b.y + b.h));
  return { x, y, w: r - x, h: bottom - y };
}
