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

function find(parent: Int32Array, i: number): number {
  let root = i;
  while (parent[root] !== root) root = parent[root];
  while (parent[i] !== root) {
    const next = parent[i];
    parent[i] = root;
    i = next;
  }
  return root;
}

function union(parent: Int32Array, a: number, b: number): void {
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
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

function joinNeighbours(image: RgbImage, step: number): Int32Array {
  const { width, height, rgb } = image;
  const parent = new Int32Array(width * height);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      if (x + 1 < width && near(rgb, i, i + 1, step)) union(parent, i, i + 1);
      if (y + 1 < height && near(rgb, i, i + width, step)) union(parent, i, i + width);
    }
  }
  return parent;
}

/** Labels every pixel with its flat region and measures each region. */
export function flatRegions(image: RgbImage, step = FLAT_STEP): RegionMap {
  const { width, height, rgb } = image;
  const parent = joinNeighbours(image, step);
  const labels = new Int32Array(width * height);
  const idOfRoot = new Map<number, number>();
  const acc: { x0: number; y0: number; x1: number; y1: number; n: number; c: number[] }[] = [];
  for (let i = 0; i < labels.length; i++) {
    const root = find(parent, i);
    let id = idOfRoot.get(root);
    if (id === undefined) {
      id = acc.length;
      idOfRoot.set(root, id);
      acc.push({ x0: width, y0: height, x1: -1, y1: -1, n: 0, c: [0, 0, 0] });
    }
    labels[i] = id;
    const a = acc[id];
    const x = i % width;
    const y = (i - x) / width;
    if (x < a.x0) a.x0 = x;
    if (x > a.x1) a.x1 = x;
    if (y < a.y0) a.y0 = y;
    if (y > a.y1) a.y1 = y;
    a.n++;
    a.c[0] += rgb[i * 3];
    a.c[1] += rgb[i * 3 + 1];
    a.c[2] += rgb[i * 3 + 2];
  }
  const regions = acc.map((a, id) => ({
    id,
    box: { x: a.x0, y: a.y0, w: a.x1 - a.x0 + 1, h: a.y1 - a.y0 + 1 },
    area: a.n,
    rgb: a.c.map((c) => c / a.n) as [number, number, number],
  }));
  return { width, height, labels, regions };
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
