// Controls that are a surface with text on it: a button's fill, a field's or dropdown's
// inside, a highlighted menu row. The flat region around a label is the surface; when it
// is small (a few text heights tall, narrower than the screen) it is the control, and its
// shape says which: text centred on it (button), a chevron at its right end (dropdown),
// text from the left (field), or one of a stack of left-aligned rows (menu item).
import type { Layout } from '../../ocr/layout';
import type { Box, RgbImage, TextElement } from '../../ocr/types';
import type { Control, ControlRole } from '../types';
import { clip, contains, grow, union, type Rgb } from './pixels';
import {
  arrowPart,
  chevronGlyph,
  framed,
  rightMarker,
  swallowedChevron,
  textBox,
} from './end-marks';
import { symbolText } from './glyph-icons';
import { surroundingRegion, type Region, type RegionMap } from './regions';

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

/**
 * A control's surface is sized to its label: text stacked on several lines, or a surface
 * much taller and wider than its text, is a panel or group box with text in it. OCR's box
 * is the label's ink, so a padded button (34-35 px around 10 px of ink in GTK 4's Adwaita
 * and the Sun Valley ttk theme) is 3.5 times as tall as its label: up to 4 is a control.
 */
function labelSized(surface: Box, members: TextElement[]): boolean {
  const t = textBox(members);
  const lineHeight = Math.max(...members.map((e) => e.box.h));
  if (t.h > 1.6 * lineHeight) return false;
  return !(surface.h > 4 * t.h && surface.w > 3 * t.w);
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

/** An icon as OCR reads it: one character, or a symbol (glyph-icons.ts). */
const iconText = (text: string) => text.trim().length === 1 || symbolText(text);

function surfaceRole(
  image: RgbImage,
  layout: Layout,
  surface: Region,
  texts: TextElement[],
): ControlRole {
  const s = surface.box;
  // Glyphs far right of the text (a field's help or clear icon, a URL bar's tools, read by
  // OCR) are icons at the surface's end, not part of the label the centring is measured on.
  let words = texts.length;
  while (words > 1 && iconText(texts[words - 1].text)) words--;
  const rest = words < texts.length ? textBox(texts.slice(0, words)) : undefined;
  const apart = rest !== undefined && texts[words].box.x - (rest.x + rest.w) > 3 * rest.h;
  const t = apart ? rest : textBox(texts);
  const marker =
    rightMarker(image, surface, t) ?? (swallowedChevron(image, surface, t) ? 'chevron' : undefined);
  // A dropdown shows its value as words; icons read as glyphs ('□') on a bar with a
  // chevron at its end are the bar's tools, and the bar is a field.
  const hasWords = texts.some((e) => /[\p{L}\p{N}]/u.test(e.text));
  if ((marker === 'chevron' || marker === 'popup') && hasWords) return 'dropdown';
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
