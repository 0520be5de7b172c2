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

/**
 * The screen's rows: elements whose middles lie within a third of a text height of each
 * other and whose heights are alike, left to right. OCR's lines stop at wide gaps, and the
 * labels of a tab strip sit a word space or more apart.
 */
function screenRows(layout: Layout): TextElement[][] {
  const byMiddle = [...layout.elements].sort(
    (a, b) => a.box.y + a.box.h / 2 - (b.box.y + b.box.h / 2),
  );
  const rows: TextElement[][] = [];
  for (const e of byMiddle) {
    const row = rows.find((r) => {
      const first = r[0].box;
      const h = Math.min(first.h, e.box.h);
      const apart = Math.abs(first.y + first.h / 2 - (e.box.y + e.box.h / 2));
      return apart <= h / 3 && Math.max(first.h, e.box.h) <= 1.6 * h;
    });
    if (row) row.push(e);
    else rows.push([e]);
  }
  return rows.map((r) => r.sort((a, b) => a.box.x - b.box.x));
}

/**
 * Runs of three or more short labels across a row, each a word space to four text heights
 * from the last, with nothing else between them: a tab strip beside other text on its row
 * (Bruno's `Params Body Headers` left of its response tabs and status).
 */
function stripRuns(row: TextElement[]): TextElement[][] {
  const runs: TextElement[][] = [[]];
  for (const e of row) {
    const run = runs[runs.length - 1];
    const last = run[run.length - 1];
    const gap = last ? e.box.x - (last.box.x + last.box.w) : 0;
    const h = Math.max(e.box.h, last?.box.h ?? 0);
    if (isShort(e) && (!last || (gap >= 0.6 * h && gap <= 4 * h))) run.push(e);
    else runs.push(isShort(e) ? [e] : []);
  }
  return runs.filter((r) => r.length >= 3);
}

/** A line of ink under the label (within `reach` label heights), most of its width long. */
function underlined(image: RgbImage, map: RegionMap, e: TextElement, reach = 0.6): boolean {
  const bg = surroundingRegion(map, e.box)?.rgb as Rgb | undefined;
  const area = clip(image, {
    x: e.box.x,
    y: e.box.y + e.box.h + 1,
    w: e.box.w,
    h: Math.max(2, Math.round(e.box.h * reach)),
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

/** A tab for a label that has no control: the label's box padded to a tab's size. */
const labelTab = (e: TextElement): Control => ({
  role: 'tab',
  box: tabBox(e.box),
  texts: [e.order],
  confidence: e.confidence * 0.8,
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
      else if (!control) added.push(labelTab(e));
    });
  });
  added.push(...underlinedStrips(image, map, layout, [...controls, ...added]));
  return added;
}

/** A strip's accent line may sit further down: Bruno's is 0.9 label heights under its text. */
const STRIP_REACH = 1.1;

/**
 * Tab strips found across OCR's lines: a run of labels on one row, none of them a control
 * yet, exactly one underlined. Only the accent line counts here: a row of buttons where
 * one lacks a surface (a disabled one) is not a strip.
 */
function underlinedStrips(
  image: RgbImage,
  map: RegionMap,
  layout: Layout,
  controls: Control[],
): Control[] {
  const taken = new Set(controls.flatMap((c) => c.texts));
  const strips = screenRows(layout)
    .flatMap(stripRuns)
    .filter((run) => run.every((e) => !taken.has(e.order)))
    .filter((run) => run.filter((e) => underlined(image, map, e, STRIP_REACH)).length === 1);
  return strips.flat().map(labelTab);
}
