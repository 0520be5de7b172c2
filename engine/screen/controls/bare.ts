// Controls with no text on them: an empty input field (a framed flat rectangle several
// text heights wide) and an icon button (a square-ish filled or framed surface with a
// glyph punched out of it). Sizes are measured in the screen's typical text height so
// the same rules hold on a 1x and a 2x screenshot.
import { medianTextHeight, type Layout } from '../../ocr/layout';
import type { Box, RgbImage } from '../../ocr/types';
import type { Control } from '../types';
import { contains, iou, type Rgb } from './pixels';
import type { Region, RegionMap } from './regions';

function colourAt(image: RgbImage, x: number, y: number): Rgb | undefined {
  const xi = Math.round(x);
  const yi = Math.round(y);
  if (xi < 0 || yi < 0 || xi >= image.width || yi >= image.height) return undefined;
  const i = (yi * image.width + xi) * 3;
  return [image.rgb[i], image.rgb[i + 1], image.rgb[i + 2]];
}

const far = (a: Rgb, b: Rgb) =>
  Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);

/**
 * How the surface stands out on each side: 'frame' when a line runs along it (the pixel
 * just outside differs from both the surface and what lies beyond), 'fill' when the surface
 * differs from what lies beyond it.
 */
function sides(image: RgbImage, r: Region): { frame: number; fill: number } {
  const b = r.box;
  const probes: [number, number, number, number][] = [
    [b.x + b.w / 2, b.y - 1, 0, -1],
    [b.x + b.w / 2, b.y + b.h, 0, 1],
    [b.x - 1, b.y + b.h / 2, -1, 0],
    [b.x + b.w, b.y + b.h / 2, 1, 0],
  ];
  let frame = 0;
  let fill = 0;
  for (const [x, y, dx, dy] of probes) {
    const edge = colourAt(image, x, y);
    const beyond = colourAt(image, x + 5 * dx, y + 5 * dy);
    if (!edge || !beyond) continue;
    if (far(edge, r.rgb) > 30 && far(edge, beyond) > 20) frame++;
    if (far(r.rgb, beyond) > 30) fill++;
  }
  return { frame, fill };
}

function holdsText(layout: Layout, box: Box): boolean {
  return layout.elements.some((e) =>
    contains(box, { x: e.box.x + e.box.w / 2, y: e.box.y + e.box.h / 2, w: 0, h: 0 }),
  );
}

function taken(controls: Control[], box: Box): boolean {
  return controls.some((c) => iou(c.box, box) > 0.3 || contains(c.box, box, 2));
}

function bareRole(image: RgbImage, r: Region, textH: number): Control['role'] | undefined {
  const { w, h } = r.box;
  const fillShare = r.area / (w * h);
  if (w >= 4 * h && h >= 1.3 * textH && h <= 4 * textH && fillShare > 0.85)
    return sides(image, r).frame >= 3 ? 'field' : undefined;
  const aspect = w / h;
  if (aspect < 0.7 || aspect > 1.4 || h < 1.5 * textH || h > 4.5 * textH) return undefined;
  if (fillShare < 0.45 || fillShare > 0.97) return undefined; // no glyph, or only a glyph
  const s = sides(image, r);
  return s.frame >= 3 || s.fill >= 3 ? 'icon' : undefined;
}

/** Empty fields and icon buttons that no labelled control already covers. */
export function bareControls(
  image: RgbImage,
  map: RegionMap,
  layout: Layout,
  found: Control[],
): Control[] {
  const textH = medianTextHeight(layout);
  const controls: Control[] = [];
  for (const region of map.regions) {
    const { w, h } = region.box;
    if (h < 1.3 * textH || h > 4.5 * textH || w < 1.5 * textH) continue;
    if (w > 0.9 * map.width) continue;
    const role = bareRole(image, region, textH);
    if (!role || holdsText(layout, region.box)) continue;
    const box = { x: region.box.x - 1, y: region.box.y - 1, w: w + 2, h: h + 2 };
    if (taken(found, box) || taken(controls, box)) continue;
    controls.push({ role, box, texts: [], confidence: role === 'field' ? 0.6 : 0.5 });
  }
  return controls;
}
