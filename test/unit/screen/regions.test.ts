// Flat regions against a plain flood fill: the same labels (numbered in the raster order of
// each region's first pixel), boxes, areas and mean colours, on images whose colour steps
// sit on both sides of the flat step, including regions that meet only after a detour
// (a U shape, a spiral) where a one-pass labelling must merge sets it had kept apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flatRegions, FLAT_STEP, type Region } from '../../../engine/screen/controls/regions';
import type { RgbImage } from '../../../engine/ocr/types';

function near(rgb: Uint8Array, a: number, b: number): boolean {
  for (let c = 0; c < 3; c++)
    if (Math.abs(rgb[a * 3 + c] - rgb[b * 3 + c]) > FLAT_STEP) return false;
  return true;
}

/** Breadth-first flood fill from each unlabelled pixel in raster order. */
function floodRegions(image: RgbImage): { labels: Int32Array; regions: Region[] } {
  const { width, height, rgb } = image;
  const labels = new Int32Array(width * height).fill(-1);
  const regions: Region[] = [];
  for (let start = 0; start < labels.length; start++) {
    if (labels[start] >= 0) continue;
    const id = regions.length;
    const queue = [start];
    labels[start] = id;
    const members: number[] = [];
    while (queue.length) {
      const i = queue.pop()!;
      members.push(i);
      const x = i % width;
      const neighbours = [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i - width, i + width];
      for (const j of neighbours)
        if (j >= 0 && j < labels.length && labels[j] < 0 && near(rgb, i, j)) {
          labels[j] = id;
          queue.push(j);
        }
    }
    const xs = members.map((i) => i % width);
    const ys = members.map((i) => Math.floor(i / width));
    const sum = (c: number) => members.reduce((s, i) => s + rgb[i * 3 + c], 0);
    const [x0, y0] = [Math.min(...xs), Math.min(...ys)];
    regions.push({
      id,
      box: { x: x0, y: y0, w: Math.max(...xs) - x0 + 1, h: Math.max(...ys) - y0 + 1 },
      area: members.length,
      rgb: [sum(0) / members.length, sum(1) / members.length, sum(2) / members.length],
    });
  }
  return { labels, regions };
}

function image(width: number, height: number, grey: (x: number, y: number) => number): RgbImage {
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = grey(x, y);
      rgb.set([v, (v + 3 * x) % 256, v], (y * width + x) * 3);
    }
  return { width, height, rgb };
}

function assertSameAsFlood(img: RgbImage) {
  const fast = flatRegions(img);
  const slow = floodRegions(img);
  assert.deepEqual([...fast.labels], [...slow.labels]);
  assert.deepEqual(fast.regions, slow.regions);
}

test('a U shape and a spiral come out as one region each', () => {
  // Arms that start apart in raster order and join at the bottom.
  const u = image(9, 7, (x, y) => (x === 1 || x === 7 || y === 5 ? 40 : 200));
  assertSameAsFlood(u);
  assert.equal(flatRegions(u).labels[1], flatRegions(u).labels[7]);
  const spiral = image(11, 11, (x, y) => {
    const ring = Math.min(x, y, 10 - x, 10 - y);
    const gap = ring % 2 === 0 && y === ring + 1 && x === ring;
    return ring % 2 === 0 && !gap ? 30 : 220;
  });
  assertSameAsFlood(spiral);
});

test('gradients within the flat step join, steps beyond it split', () => {
  assertSameAsFlood(image(40, 3, (x) => 10 + x * FLAT_STEP));
  assertSameAsFlood(image(40, 3, (x) => 10 + x * (FLAT_STEP + 1)));
});

test('random blocky images label as a flood fill does', () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let n = 0; n < 20; n++) {
    const [w, h] = [5 + Math.floor(random() * 40), 5 + Math.floor(random() * 30)];
    const cells = Array.from({ length: 64 }, () => Math.floor(random() * 24) * 4);
    assertSameAsFlood(image(w, h, (x, y) => cells[((x >> 2) * 7 + (y >> 1) * 3) % 64]));
  }
});
