// Controls that are a surface with text on it: a button's fill, a field's or dropdown's
// inside, a highlighted menu row. The flat region around a label is the surface; when it
// is small (a few text heights tall, narrower than the screen) it is the control, and its
// shape says which: text centred on it (button), a chevron at its right end (dropdown),
// text from the left (field), or one of a stack of left-aligned rows (menu item).
import type { Layout } from '../../ocr/layout';
import type { Box, RgbImage, TextElement } from '../../ocr/types';
import type { Control, ControlRole } from '../types';
import { clip, contains, distance, grow, INK, inkBox, union, type Rgb } from './pixels';
import { regionAt, surroundingRegion, type Region, type RegionMap } from './regions';

/** A surface this many label heights tall or more is a panel, not a control. */
const MAX_HEIGHT_IN_LABELS = 4.5;
/** A surface this wide a share of the screen is the page background. */
const MAX_WIDTH_SHARE = 0.9;
/** OCR sometimes reads a dropdown's chevron as a letter. */
const CHEVRON_TEXT = /^[vV˅⌄﹀▼▾⌵∨]$/;
/** ...or reads it into the end of the text (`JSON▼`): only glyphs no word ends with. */
const CHEVRON_SUFFIX = /\s*[˅⌄﹀▼▾⌵]$/u;

/**
 * The flat surface around a label box, when it is control-sized; 'tight' when it would be
 * but does not pad the box (or the box runs over its edge).
 */
function surfaceAround(
  map: RegionMap,
  b: Box,
  pad = Math.max(2, Math.round(b.h * 0.2)),
): Region | 'tight' | undefined {
  return sizedSurface(surroundingRegion(map, grow(b, pad)), b, map.width);
}

function sizedSurface(
  surface: Region | undefined,
  b: Box,
  width: number,
): Region | 'tight' | undefined {
  if (!surface) return undefined;
  const s = surface.box;
  if (s.h > MAX_HEIGHT_IN_LABELS * b.h) return undefined;
  if (s.w > MAX_WIDTH_SHARE * width) return undefined;
  // A real surface fills most of its box; a thin frame or a gap between glyphs does not.
  if (surface.area < 0.35 * s.w * s.h) return undefined;
  // A control pads its label; a surface that merely hugs the text is the text's own
  // backdrop (a glyph's inside, a tight highlight).
  if (!contains(s, b, 1) || s.h < 1.35 * b.h) return 'tight';
  return surface;
}

/**
 * The label's glyphs when OCR's box is loose (a terminal cell is as tall as the field it
 * is drawn in): the region most of the box shows is the label's backdrop; the rows and
 * columns where that backdrop shows through on at least a third are the label's, and the
 * other pixels in them are its ink. Bars, cursors and the backdrop's edge fall outside.
 */
function labelInk(map: RegionMap, b: Box): Box | undefined {
  const x0 = Math.max(0, Math.round(b.x));
  const y0 = Math.max(0, Math.round(b.y));
  const x1 = Math.min(map.width, Math.round(b.x + b.w));
  const y1 = Math.min(map.height, Math.round(b.y + b.h));
  if (x1 - x0 < 4 || y1 - y0 < 4) return undefined;
  const votes = new Map<number, number>();
  for (let y = y0; y < y1; y += 2)
    for (let x = x0; x < x1; x += 2) {
      const id = map.labels[y * map.width + x];
      votes.set(id, (votes.get(id) ?? 0) + 1);
    }
  let backdrop = -1;
  for (const [id, n] of votes) if (backdrop < 0 || n > votes.get(backdrop)!) backdrop = id;
  const shows = (x: number, y: number) => map.labels[y * map.width + x] === backdrop;
  const rows: number[] = [];
  for (let y = y0; y < y1; y++) {
    let n = 0;
    for (let x = x0; x < x1; x++) if (shows(x, y)) n++;
    if (3 * n >= x1 - x0) rows.push(y);
  }
  const cols: number[] = [];
  for (let x = x0; x < x1; x++) {
    let n = 0;
    for (const y of rows) if (shows(x, y)) n++;
    if (3 * n >= rows.length) cols.push(x);
  }
  let ix0 = Infinity;
  let iy0 = Infinity;
  let ix1 = -1;
  let iy1 = -1;
  for (const y of rows)
    for (const x of cols)
      if (!shows(x, y)) {
        ix0 = Math.min(ix0, x);
        iy0 = Math.min(iy0, y);
        ix1 = Math.max(ix1, x);
        iy1 = Math.max(iy1, y);
      }
  return ix1 < 0 ? undefined : { x: ix0, y: iy0, w: ix1 - ix0 + 1, h: iy1 - iy0 + 1 };
}

/**
 * The flat surface a label sits on, when it is control-sized: around OCR's box, or, when
 * that box is taller than the glyphs in it and the surface seems not to pad it, around the
 * glyphs' rows.
 */
export function controlSurface(
  map: RegionMap,
  element: TextElement,
  image?: RgbImage,
): Region | undefined {
  const b = element.box;
  let surface = surfaceAround(map, b);
  // OCR's box can be nearly as tall as the field (a text cursor read with the text): the
  // padded box then lies on the field's frame. A tighter pad finds the inside.
  if (surface === undefined) surface = surfaceAround(map, b, 2);
  // A fill close to the page's colour can leak into it through a rounded corner's blended
  // pixels: the label's own backdrop colour, taken strictly, may still be bounded.
  if (surface === undefined && image) surface = sizedSurface(strictSurface(image, b), b, map.width);
  if (surface !== 'tight') return surface;
  const ink = labelInk(map, b);
  const around =
    ink && ink.h < b.h ? surfaceAround(map, { x: b.x, y: ink.y, w: b.w, h: ink.h }) : undefined;
  if (around && around !== 'tight') return around;
  // A lone glyph (an icon OCR read as `0`) is not a value the surface is sized to.
  return element.text.trim().length > 1 ? wideSurface(map, b, image) : undefined;
}

/** Per-channel difference from the backdrop's colour a strict surface allows. */
const STRICT_STEP = 3;

/**
 * The 4-connected pixels of exactly the label's backdrop colour (within STRICT_STEP per
 * channel, not step by step) around OCR's box, flooded from the padded box's outline within
 * a band a few label heights tall; undefined when it reaches the band's top or bottom or
 * most of the screen's width (the page, not a control).
 */
function strictSurface(image: RgbImage, b: Box): Region | undefined {
  const { width, height, rgb } = image;
  const g = clip(image, {
    x: Math.round(b.x),
    y: Math.round(b.y),
    w: Math.round(b.w),
    h: Math.round(b.h),
  });
  if (!g) return undefined;
  // The backdrop is the commonest colour inside OCR's box (the text is thin on it).
  const counts = new Map<number, number>();
  const inBox: number[] = [];
  for (let y = g.y; y < g.y + g.h; y++)
    for (let x = g.x; x < g.x + g.w; x++) {
      const i = y * width + x;
      inBox.push(i);
      const key = (rgb[3 * i] << 16) | (rgb[3 * i + 1] << 8) | rgb[3 * i + 2];
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  let mode = 0;
  for (const [key, n] of counts) if (n > (counts.get(mode) ?? 0)) mode = key;
  const colour: Rgb = [mode >> 16, (mode >> 8) & 255, mode & 255];
  const near = (i: number) =>
    Math.abs(rgb[3 * i] - colour[0]) <= STRICT_STEP &&
    Math.abs(rgb[3 * i + 1] - colour[1]) <= STRICT_STEP &&
    Math.abs(rgb[3 * i + 2] - colour[2]) <= STRICT_STEP;
  const top = Math.max(0, Math.floor(b.y - 2 * b.h));
  const bottom = Math.min(height - 1, Math.ceil(b.y + 3 * b.h));
  const seen = seenBuffer(image);
  const touched: number[] = [];
  const stack: number[] = [];
  const mark = (i: number) => {
    seen[i] = 1;
    touched.push(i);
    stack.push(i);
  };
  for (const i of inBox) if (near(i) && !seen[i]) mark(i);
  let x0 = width;
  let x1 = -1;
  let y0 = height;
  let y1 = -1;
  let first = Infinity;
  let area = 0;
  let bounded = stack.length >= 0.3 * inBox.length;
  // Depth first: on an open page the fill runs off the band after a few label heights.
  while (bounded && stack.length > 0) {
    const i = stack.pop()!;
    const x = i % width;
    const y = (i - x) / width;
    area++;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
    first = Math.min(first, i);
    bounded = y > top && y < bottom && x1 - x0 <= MAX_WIDTH_SHARE * width;
    if (!bounded) break;
    if (x > 0 && !seen[i - 1] && near(i - 1)) mark(i - 1);
    if (x < width - 1 && !seen[i + 1] && near(i + 1)) mark(i + 1);
    if (!seen[i - width] && near(i - width)) mark(i - width);
    if (!seen[i + width] && near(i + width)) mark(i + width);
  }
  for (const i of touched) seen[i] = 0;
  if (!bounded) return undefined;
  const box = { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
  // Its own id, the same for every label on it, apart from the flat regions' ids.
  return { id: -1 - first, box, area, rgb: colour };
}

const seenBuffers = new WeakMap<RgbImage, Uint8Array>();

/** One zeroed mark per pixel, kept with the image; each flood clears what it marked. */
function seenBuffer(image: RgbImage): Uint8Array {
  let seen = seenBuffers.get(image);
  if (!seen) {
    seen = new Uint8Array(image.width * image.height);
    seenBuffers.set(image, seen);
  }
  return seen;
}

/**
 * A surface that does not pad OCR's box by much in height (a box as tall as the field's
 * inside, when it takes in a text cursor or a font's full line height) but runs well past
 * the text on its sides: a field or dropdown wider than its value, not the text's own
 * backdrop.
 */
function wideSurface(map: RegionMap, b: Box, image?: RgbImage): Region | undefined {
  const pad = Math.max(2, Math.round(b.h * 0.2));
  const candidates = [
    () => surroundingRegion(map, grow(b, pad)),
    () => surroundingRegion(map, grow(b, 2)),
    () => (image ? strictSurface(image, b) : undefined),
  ];
  for (const candidate of candidates) {
    const r = candidate();
    if (!r) continue;
    const s = r.box;
    if (s.h > MAX_HEIGHT_IN_LABELS * b.h || s.w > MAX_WIDTH_SHARE * map.width) continue;
    if (r.area < 0.35 * s.w * s.h || !contains(s, b, 1)) continue;
    if (s.h >= 1.1 * b.h && s.w >= b.w + 2 * b.h) return r;
  }
  return undefined;
}

function textBox(elements: TextElement[]): Box {
  const x = Math.min(...elements.map((e) => e.box.x));
  const y = Math.min(...elements.map((e) => e.box.y));
  const x1 = Math.max(...elements.map((e) => e.box.x + e.box.w));
  const y1 = Math.max(...elements.map((e) => e.box.y + e.box.h));
  return { x, y, w: x1 - x, h: y1 - y };
}

/**
 * A control's surface is sized to its label: text stacked on several lines, or a surface
 * much taller and wider than its text, is a panel or group box with text in it.
 */
function labelSized(surface: Box, members: TextElement[]): boolean {
  const t = textBox(members);
  const lineHeight = Math.max(...members.map((e) => e.box.h));
  if (t.h > 1.6 * lineHeight) return false;
  return !(surface.h > 3 * t.h && surface.w > 3 * t.w);
}

type Marker = 'chevron' | 'popup' | 'spinner' | 'glyph' | undefined;

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
function rightMarker(image: RgbImage, surface: Region, text: Box): Marker {
  const s = surface.box;
  const h = text.h;
  const from = text.x + text.w + Math.round(h * 0.4);
  const inset = Math.max(2, Math.round(s.h * 0.2));
  const area = clip(image, {
    x: from,
    y: s.y + inset,
    w: s.x + s.w - inset - from,
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
 * The last label is one glyph at the surface's right end, apart from the text, whose ink
 * points down: a chevron OCR read as some other sign (`√`, `<`).
 */
function chevronGlyph(image: RgbImage, surface: Region, members: TextElement[]): boolean {
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
function arrowPart(
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
function framed(image: RgbImage, surface: Region): boolean {
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

/**
 * Three or more lines of the block have text starting at this one's x: a list of rows.
 * With `within`, only text that also ends inside that box's width (plus a label height)
 * counts.
 */
function inRowStack(layout: Layout, element: TextElement, within?: Box): boolean {
  const block = layout.blocks[element.block];
  const h = element.box.h;
  const aligned = block.lines.filter((id) =>
    layout.lines[id].elements.some((i) => {
      const b = layout.elements[i].box;
      if (Math.abs(b.x - element.box.x) >= h) return false;
      return !within || b.x + b.w <= within.x + within.w + h;
    }),
  );
  return aligned.length >= 3;
}

function surfaceRole(
  image: RgbImage,
  layout: Layout,
  surface: Region,
  texts: TextElement[],
): ControlRole {
  const s = surface.box;
  // A lone glyph far right of the text (a field's help or clear icon read by OCR) is a
  // marker at the surface's end, not part of the label the centring is measured on.
  const last = texts[texts.length - 1];
  const rest = texts.length > 1 ? textBox(texts.slice(0, -1)) : undefined;
  const apart =
    rest !== undefined &&
    last.text.trim().length === 1 &&
    last.box.x - (rest.x + rest.w) > 3 * rest.h;
  const t = apart ? rest : textBox(texts);
  const marker = rightMarker(image, surface, t);
  // A dropdown shows its value as words; icons read as glyphs ('□') on a bar with a
  // chevron at its end are the bar's tools, and the bar is a field.
  const words = texts.some((e) => /[\p{L}\p{N}]/u.test(e.text));
  if ((marker === 'chevron' || marker === 'popup') && words) return 'dropdown';
  // A clear or help glyph at its end, read by OCR apart from the text, marks a field.
  if (marker === 'glyph' && apart) return 'field';
  const left = t.x - s.x;
  const right = s.x + s.w - (t.x + t.w);
  const centred = Math.abs(left - right) < 0.25 * (left + right) + t.h * 0.5;
  // Centred text is a button unless the rows aligned with it fit in its surface's width (a
  // highlighted row of a list); a tree under a URL bar's method button does not.
  if (centred && marker === undefined)
    return inRowStack(layout, texts[0], s) ? 'menu item' : 'button';
  // A framed surface in a column of left-aligned rows is a form's field, not a list's row.
  if (inRowStack(layout, texts[0]) && !framed(image, surface)) return 'menu item';
  return 'field';
}

/** Every control that is a surface with text on it, one per surface. */
export function surfaceControls(image: RgbImage, map: RegionMap, layout: Layout): Control[] {
  const bySurface = new Map<number, { surface: Region; texts: number[] }>();
  layout.elements.forEach((element, index) => {
    const surface = controlSurface(map, element, image);
    if (!surface) return;
    const entry = bySurface.get(surface.id) ?? { surface, texts: [] };
    entry.texts.push(index);
    bySurface.set(surface.id, entry);
  });
  const controls: Control[] = [];
  for (const { surface, texts } of bySurface.values()) {
    let members = texts.map((i) => layout.elements[i]);
    if (!labelSized(surface.box, members)) continue;
    // A chevron read as a letter is the dropdown's marker, not its text.
    const last = members[members.length - 1];
    const chevronText =
      members.length > 1 &&
      (CHEVRON_TEXT.test(last.text.trim()) || chevronGlyph(image, surface, members));
    if (chevronText) members = members.slice(0, -1);
    const chevronSuffix = !chevronText && CHEVRON_SUFFIX.test(last.text.trim());
    let role: ControlRole =
      chevronText || chevronSuffix ? 'dropdown' : surfaceRole(image, layout, surface, members);
    let box = surface.box;
    const arrows = role === 'dropdown' ? undefined : arrowPart(image, map, surface);
    if (arrows) {
      box = union(box, arrows.box);
      const words = members.some((e) => /[\p{L}\p{N}]/u.test(e.text));
      if (arrows.marker === 'chevron' && words) role = 'dropdown';
      else if (role !== 'button') role = 'field';
    }
    const confidence = Math.min(...members.map((e) => e.confidence)) * 0.9;
    controls.push({
      role,
      box: grow(box, 1),
      texts: texts.filter((i) => !chevronText || layout.elements[i] !== last),
      confidence,
      ...(chevronSuffix && {
        text: members
          .map((e) => e.text)
          .join(' ')
          .replace(CHEVRON_SUFFIX, ''),
      }),
    });
  }
  return controls;
}
