// Tabs: a row of short labels where one stands out from the others: an accent line under
// it (the selected tab's indicator), or some labels sit on their own surface while the rest
// do not (the selected tab merges with the page below it, or only it is filled). A row in
// which every label sits on its own surface is a button bar, not tabs.
import type { Layout } from '../../ocr/layout';
import type { Box, RgbImage, TextElement } from '../../ocr/types';
import type { Control } from '../types';
import { clip, INK, distance, type Rgb } from './pixels';
import { surroundingRegion, type RegionMap } from './regions';

/** A tab's label: a few words with letters in them (a number alone is a badge). */
const isShort = (e: TextElement) =>
  e.text.trim().split(/\s+/).length <= 3 &&
  e.text.length <= 24 &&
  (e.text.match(/\p{L}/gu) ?? []).length >= 2;

/** Short labels with clear gaps between them, two or more. */
function labelRow(layout: Layout, line: number): TextElement[] | undefined {
  const members = layout.lines[line].elements.map((i) => layout.elements[i]);
  if (members.length < 2 || !members.every(isShort)) return undefined;
  for (let k = 1; k < members.length; k++) {
    const gap = members[k].box.x - (members[k - 1].box.x + members[k - 1].box.w);
    if (gap < 0.6 * members[k].box.h) return undefined;
  }
  return members;
}

/** A line of ink just under the label, most of its width long. */
function underlined(image: RgbImage, map: RegionMap, e: TextElement): boolean {
  const bg = surroundingRegion(map, e.box)?.rgb as Rgb | undefined;
  const area = clip(image, {
    x: e.box.x,
    y: e.box.y + e.box.h + 1,
    w: e.box.w,
    h: Math.max(2, Math.round(e.box.h * 0.6)),
  });
  if (!bg || !area) return false;
  for (let y = area.y; y < area.y + area.h; y++) {
    let n = 0;
    for (let x = area.x; x < area.x + area.w; x++) if (distance(image, x, y, bg) > INK) n++;
    if (n > 0.6 * area.w) return true;
  }
  return false;
}

const tabBox = (b: Box): Box => ({
  x: b.x - Math.round(0.25 * b.h),
  y: b.y - Math.round(0.4 * b.h),
  w: b.w + 2 * Math.round(0.25 * b.h),
  h: Math.round(b.h * 1.9),
});

/**
 * Turns tab rows into tabs: their surface controls become tabs, labels without a control
 * get one with the label's box padded to a tab's size. Returns the new controls.
 */
export function tabControls(
  image: RgbImage,
  map: RegionMap,
  layout: Layout,
  controls: Control[],
): Control[] {
  const controlOf = (e: TextElement) => controls.find((c) => c.texts.includes(e.order));
  const added: Control[] = [];
  layout.lines.forEach((line) => {
    const row = labelRow(layout, line.id);
    if (!row) return;
    if (row.some((e) => (controlOf(e)?.role ?? 'button') !== 'button')) return;
    const onSurface = row.map((e) => controlOf(e)?.role === 'button');
    const mixed = onSurface.some(Boolean) && !onSurface.every(Boolean);
    const marks = row.map((e) => underlined(image, map, e));
    const oneMarked = marks.filter(Boolean).length === 1;
    if (!mixed && !oneMarked) return;
    row.forEach((e, k) => {
      const control = controlOf(e);
      if (control && onSurface[k]) control.role = 'tab';
      else if (!control)
        added.push({
          role: 'tab',
          box: tabBox(e.box),
          texts: [e.order],
          confidence: e.confidence * 0.8,
        });
    });
  });
  return added;
}
