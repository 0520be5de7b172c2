// Controls that are a surface with text on it: a button's fill, a field's or dropdown's
// inside, a highlighted menu row. The flat region around a label is the surface; when it
// is small (a few text heights tall, narrower than the screen) it is the control, and its
// shape says which: text centred on it (button), a chevron at its right end (dropdown),
// text from the left (field), or one of a stack of left-aligned rows (menu item).
import type { Layout } from '../../ocr/layout';
import type { Box, RgbImage, TextElement } from '../../ocr/types';
import type { Control, ControlRole } from '../types';
import { clip, contains, grow, inkBox, type Rgb } from './pixels';
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
function surfaceAround(map: RegionMap, b: Box): Region | 'tight' | undefined {
  const pad = Math.max(2, Math.round(b.h * 0.2));
  const surface = surroundingRegion(map, grow(b, pad));
  if (!surface) return undefined;
  const s = surface.box;
  if (s.h > MAX_HEIGHT_IN_LABELS * b.h) return undefined;
  if (s.w > MAX_WIDTH_SHARE * map.width) return undefined;
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
export function controlSurface(map: RegionMap, element: TextElement): Region | undefined {
  const b = element.box;
  const surface = surfaceAround(map, b);
  if (surface !== 'tight') return surface;
  const ink = labelInk(map, b);
  if (!ink || ink.h >= b.h) return undefined;
  const around = surfaceAround(map, { x: b.x, y: ink.y, w: b.w, h: ink.h });
  return around === 'tight' ? undefined : around;
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

type Marker = 'chevron' | 'spinner' | 'glyph' | undefined;

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
  if (s.x + s.w - (ink.x + ink.w) > 3 * h) return undefined; // text further on, not a marker
  if (ink.w < ink.h * 0.9) return 'spinner';
  return pointsDown(image, ink, background) ? 'chevron' : 'glyph';
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
  if (marker === 'chevron' && words) return 'dropdown';
  // A clear or help glyph at its end, read by OCR apart from the text, marks a field.
  if (marker === 'glyph' && apart) return 'field';
  const left = t.x - s.x;
  const right = s.x + s.w - (t.x + t.w);
  const centred = Math.abs(left - right) < 0.25 * (left + right) + t.h * 0.5;
  // Centred text is a button unless the rows aligned with it fit in its surface's width (a
  // highlighted row of a list); a tree under a URL bar's method button does not.
  if (centred && marker === undefined)
    return inRowStack(layout, texts[0], s) ? 'menu item' : 'button';
  if (inRowStack(layout, texts[0])) return 'menu item';
  return 'field';
}

/** Every control that is a surface with text on it, one per surface. */
export function surfaceControls(image: RgbImage, map: RegionMap, layout: Layout): Control[] {
  const bySurface = new Map<number, { surface: Region; texts: number[] }>();
  layout.elements.forEach((element, index) => {
    const surface = controlSurface(map, element);
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
    const chevronText = members.length > 1 && CHEVRON_TEXT.test(last.text.trim());
    if (chevronText) members = members.slice(0, -1);
    const chevronSuffix = !chevronText && CHEVRON_SUFFIX.test(last.text.trim());
    const role =
      chevronText || chevronSuffix ? 'dropdown' : surfaceRole(image, layout, surface, members);
    const confidence = Math.min(...members.map((e) => e.confidence)) * 0.9;
    controls.push({
      role,
      box: grow(surface.box, 1),
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
