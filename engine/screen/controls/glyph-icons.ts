// Icons drawn as a bare glyph (a toolbar's gear, a tab strip's close cross, a field's search
// lens): no button surface around them, so bare.ts cannot see them. Two sources:
//  - glyphs OCR read as a symbol (`回`, `</>`, `→`: no Latin letter or digit) about as wide
//    as tall and as tall as text, that no control took;
//  - compact blobs of ink, one to about two and a half text heights across, that no read
//    text and no control covers. Ink is every pixel of a small flat region (panels, fields
//    and buttons are large ones); parts a pixel or two apart (the dots of a `⋮`, the pages
//    of a files icon) join one blob, and blobs that overlap join while they stay icon-sized.
import { medianTextHeight, type Layout } from '../../ocr/layout';
import type { Box } from '../../ocr/types';
import type { Control } from '../types';
import { contains, union } from './pixels';
import { findRoot, type RegionMap } from './regions';

/** Blobs are measured in the screen's median text height, so 1x and 2x screens agree. */
const MIN_SIDE = 0.7;
const MAX_SIDE = 2.6;
/** Ink parts at most this many pixels apart join one blob. */
const JOIN = 2;
/** Roles whose box already accounts for the glyphs inside it. */
const OPAQUE = new Set(['button', 'checkbox', 'radio', 'toggle', 'tab', 'dropdown', 'icon']);

interface Blob {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  ink: number;
}

/** Ink pixels joined with those up to JOIN pixels before them (left, and rows above). */
function inkBlobs(map: RegionMap, maxArea: number): Blob[] {
  const { width, height, labels, regions } = map;
  const parent = new Int32Array(width * height).fill(-1);
  for (let y = 0, i = 0; y < height; y++)
    for (let x = 0; x < width; x++, i++) {
      if (regions[labels[i]].area > maxArea) continue;
      parent[i] = i;
      // i's root, kept as unions move it (a set's root is its first pixel in raster order).
      let root = i;
      for (let dy = -JOIN; dy <= 0; dy++)
        for (let dx = -JOIN; dx <= (dy < 0 ? JOIN : -1); dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width) continue;
          const j = ny * width + nx;
          if (parent[j] < 0) continue;
          const other = findRoot(parent, j);
          if (other === root) continue;
          parent[Math.max(root, other)] = Math.min(root, other);
          root = Math.min(root, other);
        }
    }
  const blobs = new Map<number, Blob>();
  for (let y = 0, i = 0; y < height; y++)
    for (let x = 0; x < width; x++, i++) {
      if (parent[i] < 0) continue;
      const root = findRoot(parent, i);
      const b = blobs.get(root);
      if (!b) blobs.set(root, { x0: x, y0: y, x1: x, y1: y, ink: 1 });
      else {
        b.x0 = Math.min(b.x0, x);
        b.x1 = Math.max(b.x1, x);
        b.y1 = y;
        b.ink++;
      }
    }
  return [...blobs.values()];
}

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

const square = (b: Box) => b.w <= 2 * b.h && b.h <= 2 * b.w;

/** A symbol OCR read (`回`, `</>`, `→`): no Latin letter or digit, at most three characters. */
export function symbolText(text: string): boolean {
  const t = text.trim();
  return t.length > 0 && t.length <= 3 && !/[\p{Script=Latin}\p{N}]/u.test(t);
}

/** Boxes that overlap join while the union stays within `max` on each side. */
function joinOverlapping(boxes: Box[], max: number): Box[] {
  const out: Box[] = [];
  for (const box of [...boxes].sort((a, b) => b.w * b.h - a.w * a.h)) {
    const k = out.findIndex((o) => overlaps(o, box));
    if (k < 0) {
      out.push(box);
      continue;
    }
    const u = union(out[k], box);
    if (u.w <= max && u.h <= max) out[k] = u;
  }
  return out;
}

/** Symbols OCR read that no control took, and ink blobs that no text or opaque control covers. */
export function glyphIcons(map: RegionMap, layout: Layout, found: Control[]): Control[] {
  const textH = medianTextHeight(layout);
  const min = MIN_SIDE * textH;
  const max = MAX_SIDE * textH;
  const taken = new Set(found.flatMap((c) => c.texts));
  const icons: Control[] = [];
  layout.elements.forEach((e, i) => {
    if (taken.has(i) || !symbolText(e.text) || e.box.h < min || !square(e.box)) return;
    icons.push({ role: 'icon', box: e.box, texts: [i], text: '', confidence: 0.5 });
  });
  const texts = layout.elements.map((e) => e.box);
  const opaque = found.filter((c) => OPAQUE.has(c.role)).map((c) => c.box);
  const blobs = inkBlobs(map, max * max)
    .filter((b) => b.ink >= 0.15 * (b.x1 - b.x0 + 1) * (b.y1 - b.y0 + 1))
    .map((b) => ({ x: b.x0, y: b.y0, w: b.x1 - b.x0 + 1, h: b.y1 - b.y0 + 1 }))
    .filter((box) => box.w <= max && box.h <= max);
  for (const box of joinOverlapping(blobs, max)) {
    if (box.w < min || box.h < min || !square(box)) continue;
    if (texts.some((t) => overlaps(t, box)) || opaque.some((o) => contains(o, box, 2))) continue;
    icons.push({ role: 'icon', box, texts: [], confidence: 0.4 });
  }
  return icons;
}
