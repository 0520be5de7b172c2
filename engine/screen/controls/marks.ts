// Checkboxes, radio buttons and toggles: a small mark just left of a label, about as tall
// as the text. A square outline (or filled square) is a checkbox, a circle whose corners
// are background is a radio button, a pill about twice as wide as tall is a toggle. Icons
// beside labels (a globe, a gear) fail these tests: their outline is neither a full square
// nor an empty ring.
import type { Layout } from '../../ocr/layout';
import type { Box, RgbImage, TextElement } from '../../ocr/types';
import type { Control, ControlRole } from '../types';
import { clip, distance, INK, inkShare, union, type Rgb } from './pixels';
import { iconColumns } from './icon-columns';
import { surroundingRegion, type RegionMap } from './regions';

const MARK_GLYPH = /^[√✓✔✗☐☑☒□■▢◻◼○◯●◉⊙oO0<>[\]|]$/;

/**
 * How far above and below the label (in label heights, the label being OCR's box around
 * its ink) a mark is sought, and how tall it may be. Marks about as tall as the text come
 * first; padded toolkits (CustomTkinter, Sun Valley) draw 20-24 px marks beside 10 px ink,
 * sought only when no mark of the first kind is found, so a line of text just above or
 * below cannot join a mark that was found before.
 */
interface Reach {
  above: number;
  below: number;
  maxHeight: number;
}
const NEAR: Reach = { above: 0.35, below: 1.35, maxHeight: 2 };
const TALL: Reach = { above: 0.7, below: 1.7, maxHeight: 2.6 };

function inkCount(
  image: RgbImage,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  bg: Rgb,
  ink: number,
) {
  let n = 0;
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) if (distance(image, x, y, bg) > ink) n++;
  return n;
}

/** The run of ink rows in columns x0..x1 around row `cy` (a stacked checkbox below is not part of it). */
function rowBand(
  image: RgbImage,
  x0: number,
  x1: number,
  area: Box,
  cy: number,
  bg: Rgb,
  ink: number,
) {
  const inkRow = (y: number) => inkCount(image, x0, x1, y, y, bg, ink) > 0;
  let start = Math.round(cy);
  // From the label's centre, find the nearest ink row, then grow while rows have ink.
  for (let d = 0; !inkRow(start) && d < area.h / 2; d++) start = d % 2 ? start + d : start - d;
  if (!inkRow(start)) return undefined;
  let y0 = start;
  let y1 = start;
  while (y0 - 1 >= area.y && inkRow(y0 - 1)) y0--;
  while (y1 + 1 < area.y + area.h && inkRow(y1 + 1)) y1++;
  return { y0, y1 };
}

/**
 * The mark as a box: a run of ink columns (gaps of a pixel allowed), taken from the right
 * end of `area` (a mark left of its label) or from its left end (a mark OCR read as part
 * of the label), cut to the band of rows around the label's centre.
 */
export function markIn(
  image: RgbImage,
  area: Box,
  label: Box,
  bg: Rgb,
  from: 'right' | 'left',
  ink = INK,
  reach: Reach = NEAR,
): Box | undefined {
  // Columns are read only beside the label (so text on the lines above and below does not
  // join the mark), leaving out rows inked across the whole area: a rule or a bar, not a mark.
  const top = Math.max(area.y, Math.round(label.y - reach.above * label.h));
  const bottom = Math.min(area.y + area.h - 1, Math.round(label.y + reach.below * label.h));
  const rows: number[] = [];
  for (let y = top; y <= bottom; y++)
    if (inkCount(image, area.x, area.x + area.w - 1, y, y, bg, ink) < 0.9 * area.w) rows.push(y);
  const has = (x: number) => rows.some((y) => inkCount(image, x, x, y, y, bg, ink) > 0);
  const step = from === 'right' ? -1 : 1;
  const first = from === 'right' ? area.x + area.w - 1 : area.x;
  const inside = (x: number) => x >= area.x && x < area.x + area.w;
  let a = first;
  while (inside(a) && !has(a)) a += step;
  if (!inside(a)) return undefined;
  let b = a;
  while (inside(b + step) && (has(b + step) || (inside(b + 2 * step) && has(b + 2 * step))))
    b += step;
  const x0 = Math.min(a, b);
  const x1 = Math.max(a, b);
  const band = rowBand(image, x0, x1, area, label.y + label.h / 2, bg, ink);
  if (!band) return undefined;
  return { x: x0, y: band.y0, w: x1 - x0 + 1, h: band.y1 - band.y0 + 1 };
}

/** Blank columns right after `mark` before the next ink (the gap between a mark and its label). */
function gapAfter(image: RgbImage, mark: Box, label: Box, bg: Rgb, ink: number): number {
  let x = mark.x + mark.w;
  const end = label.x + label.w;
  while (x < end && inkCount(image, x, x, mark.y, mark.y + mark.h - 1, bg, ink) === 0) x++;
  return x - (mark.x + mark.w);
}

/**
 * Where a mark may be: left of the label, or at its start when OCR read the mark into the
 * label (as a glyph, or as nothing but a wider box). A mark at the start must stand apart
 * from the first letter by more than letter spacing and be nearly as tall as the box.
 */
function markCandidates(
  image: RgbImage,
  element: TextElement,
  bg: Rgb,
  ink: number,
  reach: Reach,
): Box[] {
  const b = element.box;
  const h = b.h;
  const y = Math.round(b.y - (reach.above + 0.25) * h);
  const rows = Math.round((reach.above + reach.below + 0.5) * h);
  const found: Box[] = [];
  const before = clip(image, { x: b.x - Math.round(3 * h), y, w: Math.round(3 * h) - 1, h: rows });
  const left = before && markIn(image, before, b, bg, 'right', ink, reach);
  if (left && b.x - (left.x + left.w) <= 1.6 * h) found.push(left);
  const start = clip(image, { x: b.x - Math.round(0.4 * h), y, w: Math.round(2 * h), h: rows });
  const first = start && markIn(image, start, b, bg, 'left', ink, reach);
  if (!first) return found;
  const glyph = MARK_GLYPH.test(element.text.trim().split(/\s+/)[0]);
  if (glyph || (gapAfter(image, first, b, bg, ink) >= 0.3 * h && first.h >= 0.75 * h))
    found.push(first);
  return found;
}

const edge = (x0: number, y0: number, dx: number, dy: number, n: number): [number, number][] =>
  Array.from({ length: n }, (_, k) => [x0 + dx * k, y0 + dy * k]);

/** Share of each side of the box that is ink. */
function sideShares(image: RgbImage, m: Box, bg: Rgb, ink: number): number[] {
  const r = m.x + m.w - 1;
  const b = m.y + m.h - 1;
  return [
    inkShare(image, bg, edge(m.x, m.y, 1, 0, m.w), ink),
    inkShare(image, bg, edge(m.x, b, 1, 0, m.w), ink),
    inkShare(image, bg, edge(m.x, m.y, 0, 1, m.h), ink),
    inkShare(image, bg, edge(r, m.y, 0, 1, m.h), ink),
  ];
}

const circle = (cx: number, cy: number, r: number): [number, number][] =>
  Array.from({ length: 48 }, (_, k) => {
    const a = (k / 48) * 2 * Math.PI;
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
  });

/** A pill: rounded ends (background in the corners, ink at the middle of each end), straight long sides. */
function isPill(image: RgbImage, m: Box, bg: Rgb, ink: number): boolean {
  const [top, bottom] = sideShares(image, m, bg, ink);
  const r = m.x + m.w - 1;
  const b = m.y + m.h - 1;
  const cy = m.y + Math.floor(m.h / 2);
  const corners = inkShare(
    image,
    bg,
    [
      [m.x, m.y],
      [r, m.y],
      [m.x, b],
      [r, b],
    ],
    ink,
  );
  const ends = inkShare(
    image,
    bg,
    [
      [m.x, cy],
      [r, cy],
    ],
    ink,
  );
  return corners === 0 && ends === 1 && top > 0.6 && bottom > 0.6;
}

/** Blank just around the mark: a checkbox stands alone, a panel's edge or corner runs on. */
function isolated(image: RgbImage, m: Box, bg: Rgb, ink: number): boolean {
  const ring: [number, number][] = [];
  for (let x = m.x - 2; x <= m.x + m.w + 1; x++) ring.push([x, m.y - 3], [x, m.y + m.h + 2]);
  for (let y = m.y - 2; y <= m.y + m.h + 1; y++) ring.push([m.x - 3, y]);
  return inkShare(image, bg, ring, ink) < 0.2;
}

function markRole(
  image: RgbImage,
  m: Box,
  label: Box,
  bg: Rgb,
  ink: number,
  reach: Reach,
): ControlRole | undefined {
  const h = label.h;
  if (!isolated(image, m, bg, ink)) return undefined;
  const aspect = m.w / m.h;
  if (m.h < 0.55 * h || m.h > reach.maxHeight * h) return undefined;
  if (aspect >= 1.6 && aspect <= 2.8)
    return m.h <= 1.6 * h && isPill(image, m, bg, ink) ? 'toggle' : undefined;
  if (aspect < 0.75 || aspect > 1.35 || m.w < 8) return undefined;
  const sides = sideShares(image, m, bg, ink);
  // A check mark may poke out of its box on one side, so three full sides will do.
  if (sides.filter((s) => s > 0.7).length >= 3) return 'checkbox';
  const cx = m.x + (m.w - 1) / 2;
  const cy = m.y + (m.h - 1) / 2;
  const r = Math.min(m.w, m.h) / 2;
  // A thin anti-aliased ring is ink at one of a few radii near the edge, not always the same,
  // and a light one (a grey ring on white) is only half as far from the background as ink.
  const rims = [0.5, 1, 1.5, 2].map((d) => circle(cx, cy, r - d));
  const faint = ([x, y]: [number, number]) =>
    distance(image, Math.round(x), Math.round(y), bg) > ink / 2;
  const rim = rims[0].filter((_, k) => rims.some((ring) => faint(ring[k]))).length / rims[0].length;
  const inner = inkShare(image, bg, circle(cx, cy, r * 0.62), ink);
  const corners = inkShare(
    image,
    bg,
    [
      [m.x, m.y],
      [m.x + m.w - 1, m.y],
      [m.x, m.y + m.h - 1],
      [m.x + m.w - 1, m.y + m.h - 1],
    ],
    ink,
  );
  // A square with rounded corners (macOS checkboxes) has its edge on the diagonals beyond
  // where a circle's rim would be; a radio button is background there.
  const diagonal = (dx: number, dy: number) =>
    [1.15, 1.2, 1.25, 1.3].some((f) =>
      faint([cx + dx * f * r * Math.SQRT1_2, cy + dy * f * r * Math.SQRT1_2]),
    );
  const squared = [diagonal(-1, -1), diagonal(1, -1), diagonal(-1, 1), diagonal(1, 1)].filter(
    Boolean,
  ).length;
  if (rim > 0.8 && corners === 0 && squared >= 3) return 'checkbox';
  // A radio button: a full ring, background in its corners, an empty band inside the ring
  // (with or without the dot in the middle). A globe icon has meridians across that band.
  if (rim > 0.8 && corners === 0 && inner < 0.2) return 'radio';
  // A filled square with rounded corners (a checked macOS checkbox) covers nearly all of
  // its box, check mark included; a filled circle leaves its corners, a fifth, blank.
  let covered = 0;
  for (let y = m.y; y < m.y + m.h; y++)
    for (let x = m.x; x < m.x + m.w; x++) if (distance(image, x, y, bg) > ink / 3) covered++;
  if (corners === 0 && rim > 0.8 && inner > 0.9 && covered >= 0.9 * m.w * m.h) return 'checkbox';
  // A filled (selected) radio: the ring is the fill colour and the band is background.
  if (corners === 0 && rim > 0.8 && inner > 0.9) return 'radio';
  return undefined;
}

const isGlyph = (e: TextElement) => MARK_GLYPH.test(e.text.trim());

/** The element and the ones that follow it closely on its line (after a mark read as a glyph, a wider gap). */
function labelRun(layout: Layout, element: TextElement): number[] {
  const line = layout.lines[element.line].elements;
  const run = [line.indexOf(element.order)];
  for (let k = run[0] + 1; k < line.length; k++) {
    const previous = layout.elements[line[k - 1]];
    const next = layout.elements[line[k]].box;
    const gap = next.x - (previous.box.x + previous.box.w);
    if (gap > (isGlyph(previous) ? 1.6 : 0.8) * element.box.h) break;
    run.push(k);
  }
  return run.map((k) => line[k]);
}

/** The label without the mark OCR read into it ('√', 'O Bar', ']Background color'). */
function labelText(layout: Layout, texts: number[]): string {
  const words = texts
    .map((i) => layout.elements[i].text.trim())
    .join(' ')
    .split(/\s+/);
  if (words.length > 1 && MARK_GLYPH.test(words[0])) words.shift();
  return words.join(' ').replace(/^[\][|√✓✔☐☑□○◯●<>]+/u, '');
}

interface Found {
  element: TextElement;
  box: Box;
  role: ControlRole;
}

/** The mark beside an element, if any, with its role. */
function findMark(image: RgbImage, map: RegionMap, element: TextElement): Found | undefined {
  const background = surroundingRegion(map, element.box);
  if (!background) return undefined;
  const bg = background.rgb;
  // Ink first; then, when no mark is found, half as far from the background: a light mark
  // (macOS draws an unchecked checkbox as a white square with a faint grey edge).
  const marks = (ink: number, reach: Reach) =>
    markCandidates(image, element, bg, ink, reach)
      .map((box) => ({ box, role: markRole(image, box, element.box, bg, ink, reach) }))
      .find((m) => m.role !== undefined);
  const found =
    marks(INK, NEAR) ?? marks(INK / 2, NEAR) ?? marks(INK, TALL) ?? marks(INK / 2, TALL);
  return found?.role && { element, box: found.box, role: found.role };
}

/**
 * Checkboxes, radio buttons and toggles, each with the label to its right; a column of
 * marks of different sizes is a menu's icons, not marks (icon-columns.ts).
 */
export function markControls(
  image: RgbImage,
  map: RegionMap,
  layout: Layout,
  taken: Set<number>,
): Control[] {
  const found = layout.elements
    .filter((e) => !taken.has(e.order))
    .map((e) => findMark(image, map, e))
    .filter((f): f is Found => f !== undefined);
  // Toggles are wider than marks and never part of a checkbox column's template.
  const squares = found.filter((f) => f.role !== 'toggle');
  const icons = new Set([...iconColumns(squares.map((f) => f.box))].map((i) => squares[i]));
  const controls: Control[] = [];
  for (const { element, box: mark, role } of found.filter((f) => !icons.has(f))) {
    if (taken.has(element.order)) continue;
    const texts = labelRun(layout, element).filter((i) => !taken.has(i));
    const text = labelText(layout, texts);
    if (!text) continue; // a mark with no label beside it is an icon (a window's maximise box)
    const box = texts.map((i) => layout.elements[i].box).reduce(union, mark);
    texts.forEach((i) => taken.add(i));
    const confidence = Math.min(...texts.map((i) => layout.elements[i].confidence)) * 0.85;
    controls.push({ role, box, texts, confidence, text });
  }
  return controls;
}
