// DB (differentiable binarization) post-processing for the PaddleOCR detector: threshold
// the probability map, label connected regions, score each region, and grow its box by the
// DB "unclip" distance. Screens hold axis-aligned text, so a region's bounding rectangle is
// its minimum-area box; rotated scene text is out of scope here.
import type { Box } from './types';

export interface DbOptions {
  /** Pixels with probability above this are text (PaddleOCR det_db_thresh). */
  threshold: number;
  /** Regions whose mean probability is below this are dropped (det_db_box_thresh). */
  boxThreshold: number;
  /** How far a region grows: area * ratio / perimeter (det_db_unclip_ratio). */
  unclipRatio: number;
  /** Regions with a shorter side than this (in map pixels) are noise. */
  minSide: number;
}

// Lower than PaddleOCR's 0.3 / 0.6: thin, low-contrast UI fonts give weak maps, and on
// the real screenshots these settings read more of the verified strings.
export const DEFAULT_DB_OPTIONS: DbOptions = {
  threshold: 0.2,
  boxThreshold: 0.4,
  unclipRatio: 1.6,
  minSide: 3,
};

export interface DetectedRegion {
  /** In probability-map pixels, after unclip. */
  box: Box;
  score: number;
}

interface RegionExtent {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Labels 4-connected regions of the binarized map with union-find over row runs; returns their extents. */
export function connectedRegions(
  prob: Float32Array,
  width: number,
  height: number,
  threshold: number,
): RegionExtent[] {
  const labels = new Int32Array(width * height).fill(-1);
  const parent: number[] = [];
  const find = (a: number): number => {
    while (parent[a] !== a) a = parent[a] = parent[parent[a]];
    return a;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (prob[i] <= threshold) continue;
      const left = x > 0 ? labels[i - 1] : -1;
      const up = y > 0 ? labels[i - width] : -1;
      if (left < 0 && up < 0) {
        labels[i] = parent.length;
        parent.push(parent.length);
      } else if (left >= 0 && up >= 0) {
        const a = find(left);
        const b = find(up);
        labels[i] = a;
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      } else labels[i] = left >= 0 ? left : up;
    }
  }
  const extents = new Map<number, RegionExtent>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const label = labels[y * width + x];
      if (label < 0) continue;
      const root = find(label);
      const e = extents.get(root);
      if (!e) extents.set(root, { minX: x, minY: y, maxX: x, maxY: y });
      else {
        if (x < e.minX) e.minX = x;
        if (x > e.maxX) e.maxX = x;
        if (y < e.minY) e.minY = y;
        if (y > e.maxY) e.maxY = y;
      }
    }
  }
  return [...extents.values()];
}

/** Mean probability inside a rectangle (PaddleOCR's box_score_fast for an axis-aligned box). */
function meanProbability(prob: Float32Array, width: number, e: RegionExtent): number {
  let sum = 0;
  for (let y = e.minY; y <= e.maxY; y++)
    for (let x = e.minX; x <= e.maxX; x++) sum += prob[y * width + x];
  return sum / ((e.maxX - e.minX + 1) * (e.maxY - e.minY + 1));
}

/**
 * Grows a rectangle by the DB unclip distance. Offsetting a rectangle outward by d (round
 * joins, as pyclipper does) has the rectangle grown by d on each side as its bounding box.
 */
export function unclip(box: Box, ratio: number): Box {
  const distance = (box.w * box.h * ratio) / (2 * (box.w + box.h));
  return {
    x: box.x - distance,
    y: box.y - distance,
    w: box.w + 2 * distance,
    h: box.h + 2 * distance,
  };
}

export function dbPostprocess(
  prob: Float32Array,
  width: number,
  height: number,
  options: DbOptions = DEFAULT_DB_OPTIONS,
): DetectedRegion[] {
  const regions: DetectedRegion[] = [];
  for (const e of connectedRegions(prob, width, height, options.threshold)) {
    const w = e.maxX - e.minX + 1;
    const h = e.maxY - e.minY + 1;
    if (Math.min(w, h) < options.minSide) continue;
    const score = meanProbability(prob, width, e);
    if (score < options.boxThreshold) continue;
    const grown = unclip({ x: e.minX, y: e.minY, w, h }, options.unclipRatio);
    if (Math.min(grown.w, grown.h) < options.minSide + 2) continue;
    regions.push({ box: grown, score });
  }
  return regions;
}
