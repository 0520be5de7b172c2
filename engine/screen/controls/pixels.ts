// Small pixel questions the control detectors ask: how far a pixel is from a colour, and
// where the "ink" (anything clearly not the background) lies inside a rectangle.
import type { Box, RgbImage } from '../../ocr/types';

export type Rgb = [number, number, number];

/** Sum of per-channel differences, 0..765. */
export function distance(image: RgbImage, x: number, y: number, colour: Rgb): number {
  const i = (y * image.width + x) * 3;
  return (
    Math.abs(image.rgb[i] - colour[0]) +
    Math.abs(image.rgb[i + 1] - colour[1]) +
    Math.abs(image.rgb[i + 2] - colour[2])
  );
}

/** A pixel this far from the background is ink (glyph, border, mark). */
export const INK = 60;

export function clip(image: RgbImage, box: Box): Box | undefined {
  const x0 = Math.max(0, Math.round(box.x));
  const y0 = Math.max(0, Math.round(box.y));
  const x1 = Math.min(image.width, Math.round(box.x + box.w));
  const y1 = Math.min(image.height, Math.round(box.y + box.h));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : undefined;
}

/** Per-column ink counts inside `box` against `background`. */
export function inkColumns(image: RgbImage, box: Box, background: Rgb): number[] {
  const columns: number[] = [];
  for (let x = box.x; x < box.x + box.w; x++) {
    let n = 0;
    for (let y = box.y; y < box.y + box.h; y++) if (distance(image, x, y, background) > INK) n++;
    columns.push(n);
  }
  return columns;
}

/** The bounding box of the ink inside `box`, or undefined when there is none. */
export function inkBox(image: RgbImage, box: Box, background: Rgb): Box | undefined {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  for (let y = box.y; y < box.y + box.h; y++)
    for (let x = box.x; x < box.x + box.w; x++)
      if (distance(image, x, y, background) > INK) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
  return x1 < 0 ? undefined : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

/** Share of the given points (rounded to pixels, those outside the image count as blank) that are ink. */
export function inkShare(
  image: RgbImage,
  background: Rgb,
  points: [number, number][],
  ink = INK,
): number {
  if (points.length === 0) return 0;
  let n = 0;
  for (const [x, y] of points) {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= image.width || yi >= image.height) continue;
    if (distance(image, xi, yi, background) > ink) n++;
  }
  return n / points.length;
}

export function grow(b: Box, dx: number, dy = dx): Box {
  return { x: b.x - dx, y: b.y - dy, w: b.w + 2 * dx, h: b.h + 2 * dy };
}

export function contains(outer: Box, inner: Box, slack = 0): boolean {
  return (
    inner.x >= outer.x - slack &&
    inner.y >= outer.y - slack &&
    inner.x + inner.w <= outer.x + outer.w + slack &&
    inner.y + inner.h <= outer.y + outer.h + slack
  );
}

export function union(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    w: Math.max(a.x + a.w, b.x + b.w) - x,
    h: Math.max(a.y + a.h, b.y + b.h) - y,
  };
}

export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.w * a.h + b.w * b.h - inter);
}
