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

/** The flat surface a label sits on, when it is control-sized. */
export function controlSurface(map: RegionMap, element: TextElement): Region | undefined {
  const b = element.box;
  const pad = Math.max(2, Math.round(b.h * 0.2));
  const surface = surroundingRegion(map, grow(b, pad));
  if (!surface) return undefined;
  const s = surface.box;
  if (!contains(s, b, 1)) return undefined;
  // A control pads its label; a surface that merely hugs the text is the text's own
  // backdrop (a glyph's inside, a tight highlight).
  if (s.h > MAX_HEIGHT_IN_LABELS * b.h || s.h < 1.35 * b.h) return undefined;
  if (s.w > MAX_WIDTH_SHARE * map.width) return undefined;
  // A real surface fills most of its box; a thin frame or a gap between glyphs does not.
  if (surface.area < 0.35 * s.w * s.h) return undefined;
  return surface;
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

type Marker = 'chevron' | 'spinner' | undefined;

/** What sits between the text and the right end of the surface: a chevron, spin arrows, nothing. */
function rightMarker(image: RgbImage, surface: Region, text: Box): Marker {
  const s = surface.box;
  const h = text.h;
  const from = text.x + text.w + Math.round(h * 0.4);
  const area = clip(image, { x: from, y: s.y + 2, w: s.x + s.w - 2 - from, h: s.h - 4 });
  if (!area) return undefined;
  const ink = inkBox(image, area, surface.rgb as Rgb);
  if (!ink || ink.w > 2 * h || ink.h > 1.6 * h || ink.w < 4) return undefined;
  if (s.x + s.w - (ink.x + ink.w) > 3 * h) return undefined; // text further on, not a marker
  return ink.w >= ink.h * 0.9 ? 'chevron' : 'spinner';
}

/** Three or more lines of the block have text starting at this one's x: a list of rows. */
function inRowStack(layout: Layout, element: TextElement): boolean {
  const block = layout.blocks[element.block];
  const aligned = block.lines.filter((id) =>
    layout.lines[id].elements.some(
      (i) => Math.abs(layout.elements[i].box.x - element.box.x) < element.box.h,
    ),
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
  const t = textBox(texts);
  const marker = rightMarker(image, surface, t);
  if (marker === 'chevron') return 'dropdown';
  const left = t.x - s.x;
  const right = s.x + s.w - (t.x + t.w);
  const centred = Math.abs(left - right) < 0.25 * (left + right) + t.h * 0.5;
  if (inRowStack(layout, texts[0])) return 'menu item';
  if (centred && marker === undefined) return 'button';
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
    const role = chevronText ? 'dropdown' : surfaceRole(image, layout, surface, members);
    const confidence = Math.min(...members.map((e) => e.confidence)) * 0.9;
    controls.push({
      role,
      box: grow(surface.box, 1),
      texts: texts.filter((i) => !chevronText || layout.elements[i] !== last),
      confidence,
    });
  }
  return controls;
}
