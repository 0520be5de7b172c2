// What a control surface's right end and edges show: a chevron (a dropdown), a pop-up
// button's accent square, spin arrows, another glyph (a clear or help icon), an arrow part
// joined past a divider, or a frame around it (a field). Used by surfaces.ts.
import type { Box, RgbImage, TextElement } from '../../ocr/types';
import { clip, distance, grow, INK, inkBox, inkColumns, type Rgb } from './pixels';
import { regionAt, type Region, type RegionMap } from './regions';

/** The box around a run of text elements. */
export function textBox(elements: TextElement[]): Box {
  const x = Math.min(...elements.map((e) => e.box.x));
  const y = Math.min(...elements.map((e) => e.box.y));
  const x1 = Math.max(...elements.map((e) => e.box.x + e.box.w));
  const y1 = Math.max(...elements.map((e) => e.box.y + e.box.h));
  return { x, y, w: x1 - x, h: y1 - y };
}

export type Marker = 'chevron' | 'popup' | 'spinner' | 'glyph' | undefined;

/**
 * Points down: its ink spans much wider in its top third than in its bottom third (a `▼`
 * or `⌄`); an `×` or a magnifier spans as wide at the bottom as at the top.
 */
function pointsDown(image: RgbImage, ink: Box, background: Rgb): boolean {
  const third = Math.max(1, Math.floor(ink.h / 3));
  const span = (y0: number, y1: number) => {
    const box = inkBox(image, { x: ink.x, y: y0, w: ink.w, h: y1 - y0 }, background);
    return box ? box.w : 0;
  };
  const top = span(ink.y, ink.y + third);
  const bottom = span(ink.y + ink.h - third, ink.y + ink.h);
  return top >= 1.5 * bottom;
}

/** The share of a box's pixels that are ink on the background. */
function inkFill(image: RgbImage, box: Box, background: Rgb): number {
  let n = 0;
  for (let y = box.y; y < box.y + box.h; y++)
    for (let x = box.x; x < box.x + box.w; x++) if (distance(image, x, y, background) > INK) n++;
  return n / (box.w * box.h);
}

/**
 * What sits between the text and the right end of the surface: a chevron, spin arrows,
 * another glyph (a clear or help icon), nothing. Rounded corners are left out: the search
 * keeps to the middle rows and stops short of the surface's end.
 */
export function rightMarker(image: RgbImage, surface: Region, text: Box): Marker {
  const s = surface.box;
  const h = text.h;
  const from = text.x + text.w + Math.round(h * 0.4);
  const inset = Math.max(2, Math.round(s.h * 0.2));
  const endInset = Math.max(2, Math.round(s.h * 0.1));
  const area = clip(image, {
    x: from,
    y: s.y + inset,
    w: s.x + s.w - endInset - from,
    h: s.h - 2 * inset,
  });
  if (!area) return undefined;
  const background = surface.rgb as Rgb;
  const ink = inkBox(image, area, background);
  if (!ink || ink.w > 2 * h || ink.h > 1.6 * h || ink.w < 4) return undefined;
  // A solid square at the very end (a macOS pop-up button's accent box with its arrows).
  if (s.x + s.w - (ink.x + ink.w) <= 0.5 * h && inkFill(image, ink, background) >= 0.7)
    return 'popup';
  if (s.x + s.w - (ink.x + ink.w) > 3 * h) return undefined; // text further on, not a marker
  if (ink.w < ink.h * 0.9) return 'spinner';
  return pointsDown(image, ink, background) ? 'chevron' : 'glyph';
}

/**
 * A chevron OCR took into the text's box without reading it (`Prod ▾` read as `Prod`): the
 * last run of inked columns, a word space apart from the rest, smaller than the letters,
 * on the text's middle rows, pointing down.
 */
export function swallowedChevron(image: RgbImage, surface: Region, text: Box): boolean {
  const background = surface.rgb as Rgb;
  const columns = inkColumns(image, text, background);
  let end = columns.length - 1;
  while (end >= 0 && columns[end] === 0) end--;
  let start = end;
  while (start > 0 && columns[start - 1] > 0) start--;
  let gap = 0;
  while (start - gap - 1 >= 0 && columns[start - gap - 1] === 0) gap++;
  if (start - gap <= 0 || gap < Math.max(3, 0.3 * text.h)) return false;
  const glyph = { x: text.x + start, y: text.y, w: end - start + 1, h: text.h };
  const ink = inkBox(image, glyph, background);
  if (!ink || ink.w < 4 || ink.w > text.h || ink.h > 0.7 * text.h || ink.w < ink.h) return false;
  const offset = ink.y + ink.h / 2 - (text.y + text.h / 2);
  return Math.abs(offset) <= 0.25 * text.h && pointsDown(image, ink, background);
}

/**
 * The last label is one glyph at the surface's right end, apart from the text, whose ink
 * points down: a chevron OCR read as some other sign (`√`, `<`).
 */
export function chevronGlyph(image: RgbImage, surface: Region, members: TextElement[]): boolean {
  const last = members[members.length - 1];
  if (last.text.trim().length !== 1 || /[\p{L}\p{N}]/u.test(last.text)) return false;
  const s = surface.box;
  const b = last.box;
  const rest = textBox(members.slice(0, -1));
  if (s.x + s.w - (b.x + b.w) > 2 * rest.h || b.x - (rest.x + rest.w) < 0.5 * rest.h) return false;
  const area = clip(image, b);
  const background = surface.rgb as Rgb;
  const ink = area && inkBox(image, area, background);
  return !!ink && ink.w >= 4 && ink.w >= ink.h && pointsDown(image, ink, background);
}

/**
 * A square button joined to the surface's right end, past a divider of a few pixels, as
 * tall as the surface: a combo box's or spin box's arrow part. Its ink says which: pointing
 * down (a dropdown's chevron) or taller than wide (spin arrows).
 */
export function arrowPart(
  image: RgbImage,
  map: RegionMap,
  surface: Region,
): { box: Box; marker: 'chevron' | 'spinner' } | undefined {
  const s = surface.box;
  const y = s.y + Math.max(2, Math.round(s.h * 0.15));
  for (let x = s.x + s.w; x <= s.x + s.w + 3 && x < map.width; x++) {
    const r = regionAt(map, x, y);
    if (!r || r.id === surface.id) continue;
    const b = r.box;
    if (Math.abs(b.y - s.y) > 2 || Math.abs(b.h - s.h) > 2) continue;
    if (b.x > s.x + s.w + 3 || b.w < 0.5 * s.h || b.w > 1.5 * s.h) continue;
    if (r.area < 0.35 * b.w * b.h) continue;
    const inset = Math.max(2, Math.round(b.h * 0.2));
    const area = clip(image, grow(b, -inset));
    const background = r.rgb as Rgb;
    const ink = area && inkBox(image, area, background);
    if (!ink || ink.w < 4) return undefined;
    if (ink.w < ink.h * 0.9) return { box: b, marker: 'spinner' };
    return pointsDown(image, ink, background) ? { box: b, marker: 'chevron' } : undefined;
  }
  return undefined;
}

/**
 * The surface is drawn with a frame: just outside it, on most of its sides' length, a line
 * that is neither its inside nor what lies a few pixels further out (a field's border; a
 * highlighted list row is a fill on the list with nothing around it).
 */
export function framed(image: RgbImage, surface: Region): boolean {
  const s = surface.box;
  const inside = surface.rgb as Rgb;
  const at = (x: number, y: number): Rgb => {
    const i = (y * image.width + x) * 3;
    return [image.rgb[i], image.rgb[i + 1], image.rgb[i + 2]];
  };
  let n = 0;
  let hits = 0;
  const probe = (x: number, y: number, dx: number, dy: number) => {
    const fx = x + dx;
    const fy = y + dy;
    const ox = x + 5 * dx;
    const oy = y + 5 * dy;
    if (ox < 0 || oy < 0 || ox >= image.width || oy >= image.height) return;
    n++;
    const frame = at(fx, fy);
    if (distance(image, fx, fy, inside) > INK / 2 && distance(image, ox, oy, frame) > INK / 2)
      hits++;
  };
  for (let i = 1; i < 8; i++) {
    const x = Math.round(s.x + (s.w * i) / 8);
    probe(x, s.y, 0, -1);
    probe(x, s.y + s.h - 1, 0, 1);
  }
  for (let i = 1; i < 4; i++) {
    const y = Math.round(s.y + (s.h * i) / 4);
    probe(s.x, y, -1, 0);
    probe(s.x + s.w - 1, y, 1, 0);
  }
  return n >= 10 && hits >= 0.75 * n;
}
