// Guesses what kind of control a piece of text labels, from its shape, its neighbours and
// the pixels around it: a filled or outlined background (button), a row of short labels
// (tab), a left-aligned stack of short lines (menu item), blue text (link).
import type { Layout } from './layout';
import type { Box, ElementRole, RgbImage, TextElement } from './types';

type Rgb = [number, number, number];

const wordCount = (text: string) => text.trim().split(/\s+/).length;
const isShort = (e: TextElement) => wordCount(e.text) <= 3 && e.text.length <= 24;

/** Mean colour and spread of the pixels on the outline of `box` (clipped to the image). */
function ringStats(image: RgbImage, box: Box): { mean: Rgb; spread: number } | undefined {
  const x0 = Math.max(0, Math.round(box.x));
  const y0 = Math.max(0, Math.round(box.y));
  const x1 = Math.min(image.width - 1, Math.round(box.x + box.w));
  const y1 = Math.min(image.height - 1, Math.round(box.y + box.h));
  if (x1 <= x0 || y1 <= y0) return undefined;
  const samples: Rgb[] = [];
  const take = (x: number, y: number) => {
    const i = (y * image.width + x) * 3;
    samples.push([image.rgb[i], image.rgb[i + 1], image.rgb[i + 2]]);
  };
  for (let x = x0; x <= x1; x += 2) {
    take(x, y0);
    take(x, y1);
  }
  for (let y = y0; y <= y1; y += 2) {
    take(x0, y);
    take(x1, y);
  }
  const mean = [0, 1, 2].map((c) => samples.reduce((s, p) => s + p[c], 0) / samples.length) as Rgb;
  const spread =
    samples.reduce(
      (s, p) => s + Math.abs(p[0] - mean[0]) + Math.abs(p[1] - mean[1]) + Math.abs(p[2] - mean[2]),
      0,
    ) / samples.length;
  return { mean, spread };
}

const colourDistance = (a: Rgb, b: Rgb) =>
  Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);

const grow = (b: Box, by: number): Box => ({
  x: b.x - by,
  y: b.y - by,
  w: b.w + 2 * by,
  h: b.h + 2 * by,
});

/**
 * A control surface: just outside the text the background is even, and somewhere further
 * out (buttons pad their labels by up to a few text heights) it is clearly different.
 */
function hasControlBackground(image: RgbImage, box: Box): boolean {
  const near = ringStats(image, grow(box, Math.max(2, box.h * 0.15)));
  if (!near || near.spread > 40) return false;
  return [1, 2, 3].some((k) => {
    const far = ringStats(image, grow(box, box.h * k));
    return far !== undefined && far.spread < 60 && colourDistance(near.mean, far.mean) > 60;
  });
}

/** Link text: the text's ink is clearly blue. */
function hasBlueInk(image: RgbImage, box: Box): boolean {
  const background = ringStats(image, box);
  if (!background) return false;
  let r = 0;
  let g = 0;
  let b = 0;
  let count = 0;
  for (let y = Math.round(box.y); y < Math.min(image.height, box.y + box.h); y++) {
    for (let x = Math.round(box.x); x < Math.min(image.width, box.x + box.w); x++) {
      const i = (y * image.width + x) * 3;
      const px: Rgb = [image.rgb[i], image.rgb[i + 1], image.rgb[i + 2]];
      if (colourDistance(px, background.mean) < 120) continue; // background, not ink
      r += px[0];
      g += px[1];
      b += px[2];
      count++;
    }
  }
  if (count < 4) return false;
  return b / count > r / count + 50 && b / count > g / count + 15;
}

/** Three or more short labels on one line with clear gaps between them. */
function inLabelRow(layout: Layout, element: TextElement): boolean {
  const members = layout.lines[element.line].elements.map((i) => layout.elements[i]);
  if (members.length < 2 || !members.every(isShort)) return false;
  for (let k = 1; k < members.length; k++) {
    const gap = members[k].box.x - (members[k - 1].box.x + members[k - 1].box.w);
    if (gap < 0.6 * element.box.h) return false;
  }
  return true;
}

/** One of three or more left-aligned, single-element, short lines in its block. */
function inMenuStack(layout: Layout, element: TextElement): boolean {
  const block = layout.blocks[element.block];
  if (block.lines.length < 3) return false;
  const firsts = block.lines.map((id) => layout.elements[layout.lines[id].elements[0]]);
  const aligned = firsts.filter((e) => Math.abs(e.box.x - element.box.x) < element.box.h);
  return aligned.length >= 3 && isShort(element);
}

export function guessRole(layout: Layout, element: TextElement, image?: RgbImage): ElementRole {
  if (image && hasBlueInk(image, element.box)) return 'link';
  const filled = (e: TextElement) =>
    image !== undefined && isShort(e) && hasControlBackground(image, e.box);
  if (inLabelRow(layout, element)) {
    // A row where every label sits on a control surface is a button bar; otherwise tabs
    // (the selected one is often the only filled label).
    const row = layout.lines[element.line].elements.map((i) => layout.elements[i]);
    return row.every(filled) ? 'button' : 'tab';
  }
  if (filled(element)) return 'button';
  if (inMenuStack(layout, element)) return 'menu item';
  return 'text';
}
