// Splits a screenshot into flat regions: 4-connected runs of pixels whose colour changes by
// no more than a small step from one pixel to the next. UI surfaces (a button's fill, a
// field's inside, a dialog) are flat, so each comes out as one region with the glyphs and
// borders on it as holes; the region's bounding box is the control's box.
import type { Box, RgbImage } from '../../ocr/types';

export interface Region {
  id: number;
  box: Box;
  /** Pixels in the region. */
  area: number;
  /** Mean colour. */
  rgb: [number, number, number];
}

export interface RegionMap {
  width: number;
  height: number;
  /** Region id of every pixel, row-major. */
  labels: Int32Array;
  regions: Region[];
}

/** Largest per-channel step between neighbours that still counts as the same surface. */
export const FLAT_STEP = 6;

/** The root of `i`'s set, halving the path on the way. A parent is never above its child. */
export function findRoot(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

function near(rgb: Uint8Array, a: number, b: number, step: number): boolean {
  const i = a * 3;
  const j = b * 3;
  return (
    Math.abs(rgb[i] - rgb[j]) <= step &&
    Math.abs(rgb[i + 1] - rgb[j + 1]) <= step &&
    Math.abs(rgb[i + 2] - rgb[j + 2]) <= step
  );
}

/**
 * Joins each pixel to its left and upper neighbours when they are near in colour, in one
 * raster pass. Each set's root is its first pixel in raster order, so every pixel's parent
 * comes before it.
 */
function joinNeighbours(image: RgbImage, step: number): Int32Array {
  const { width, height, rgb } = image;
  const parent = new Int32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      let root = i;
      if (x > 0 && near(rgb, i - 1, i, step)) root = findRoot(parent, i - 1);
      if (y > 0 && near(rgb, i - width, i, step)) {
        const above = findRoot(parent, i - width);
        if (root === i) root = above;
        else if (above !== root) {
          const low = Math.min(above, root);
          parent[Math.max(above, root)] = low;
          root = low;
        }
      }
      parent[i] = root;
    }
  }
  return parent;
}

/**
 * Labels every pixel with its flat region and measures each region. Regions are numbered in
 * the raster order of their first pixel.
 */
export function flatRegions(image: RgbImage, step = FLAT_STEP): RegionMap {
  const { width, height } = image;
  const labels = joinNeighbours(image, step);
  // A parent comes before its child, so one raster pass turns parents into region ids.
  let count = 0;
  for (let i = 0; i < labels.length; i++) labels[i] = labels[i] === i ? count++ : labels[labels[i]];
  return { width, height, labels, regions: measure(image, labels, count) };
}
/** Each region's box, area and mean colour. */
function measure(image: RgbImage, labels: Int32Array, count: number): Region[] {
  const { width, height, rgb } = image;
  const x0 = new Int32Array(count).fill(width);
  const y0 = new Int32Array(count).fill(height);
  const x1 = new Int32Array(count).fill(-1);
  const y1 = new Int32Array(count).fill(-1);
  const area = new Float64Array(count);
  const sums = new Float64Array(count * 3);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const id = labels[i];
      if (x < x0[id]) x0[id] = x;
      if (x > x1[id]) x1[id] = x;
      if (y < y0[id]) y0[id] = y;
      y1[id] = y;
      area[id]++;
      sums[id * 3] += rgb[i * 3];
      sums[id * 3 + 1] += rgb[i * 3 + 1];
      sums[id * 3 + 2] += rgb[i * 3 + 2];
    }
  }
  const regions: Region[] = new Array(count);
  for (let id = 0; id < count; id++) {
    const n = area[id];
    regions[id] = {
      id,
      box: { x: x0[id], y: y0[id], w: x1[id] - x0[id] + 1, h: y1[id] - y0[id] + 1 },
      area: n,
      rgb: [sums[id * 3] / n, sums[id * 3 + 1] / n, sums[id * 3 + 2] / n],
    };
  }
  return regions;
}

/** The region at a pixel, or undefined outside the image. */
export function regionAt(map: RegionMap, x: number, y: number): Region | undefined {
  const xi = Math.round(x);
  const yi = Math.round(y);
  if (xi < 0 || yi < 0 || xi >= map.width || yi >= map.height) return undefined;
  return map.regions[map.labels[yi * map.width + xi]];
}

/** The region that covers most of the outline of `box` (sampled every other pixel). */
export function surroundingRegion(map: RegionMap, box: Box): Region | undefined {
  const votes = new Map<number, number>();
  const vote = (x: number, y: number) => {
    const r = regionAt(map, x, y);
    if (r) votes.set(r.id, (votes.get(r.id) ?? 0) + 1);
  };
  for (let x = box.x; x <= box.x + box.w; x += 2) {
    vote(x, box.y);
    vote(x, box.y + box.h);
  }
  for (let y = box.y; y <= box.y + box.h; y += 2) {
    vote(box.x, y);
    vote(box.x + box.w, y);
  }
  let best: number | undefined;
  for (const [id, n] of votes) if (best === undefined || n > votes.get(best)!) best = id;
  return best === undefined ? undefined : map.regions[best];
}
