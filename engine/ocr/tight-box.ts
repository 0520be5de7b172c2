// Shrinks a detected text box to the ink inside it. The detector's boxes are grown
// ("unclipped") around the text; agents that click or highlight want the text itself.
import type { Box, RgbImage } from './types';

/** Ink differs from the background by more than this (sum of channel differences). */
export const INK_DISTANCE = 90;

/** The most common colour on the box's outline, quantized to 16 levels per channel. */
export function backgroundColour(
  image: RgbImage,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): number[] {
  const counts = new Map<number, { n: number; sum: number[] }>();
  const add = (x: number, y: number) => {
    const i = (y * image.width + x) * 3;
    const r = image.rgb[i];
    const g = image.rgb[i + 1];
    const b = image.rgb[i + 2];
    const key = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
    const entry = counts.get(key) ?? { n: 0, sum: [0, 0, 0] };
    entry.n++;
    entry.sum[0] += r;
    entry.sum[1] += g;
    entry.sum[2] += b;
    counts.set(key, entry);
  };
  for (let x = x0; x <= x1; x++) {
    add(x, y0);
    add(x, y1);
  }
  for (let y = y0 + 1; y < y1; y++) {
    add(x0, y);
    add(x1, y);
  }
  let best = { n: 0, sum: [0, 0, 0] };
  for (const entry of counts.values()) if (entry.n > best.n) best = entry;
  return best.sum.map((s) => s / Math.max(1, best.n));
}

export function tightenBox(image: RgbImage, box: Box): Box {
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  const x1 = Math.min(image.width - 1, box.x + box.w - 1);
  const y1 = Math.min(image.height - 1, box.y + box.h - 1);
  if (x1 - x0 < 2 || y1 - y0 < 2) return box;
  const bg = backgroundColour(image, x0, y0, x1, y1);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -1;
  let maxY = -1;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const i = (y * image.width + x) * 3;
      const d =
        Math.abs(image.rgb[i] - bg[0]) +
        Math.abs(image.rgb[i + 1] - bg[1]) +
        Math.abs(image.rgb[i + 2] - bg[2]);
      if (d <= INK_DISTANCE) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (maxX < 0) return box;
  return { x: minX, y: minY, w: maxX - minX + 1, h: maxY - minY + 1 };
}
