// Assembles what agents act on: one list of UI elements (controls with their text, the
// text that belongs to no control, and the panels around them), each with a box, a role,
// whether it can be clicked, and the id of the panel it sits in. The list is in reading
// order with every panel right before its contents.
import type { Layout } from '../ocr/layout';
import { guessRole } from '../ocr/roles';
import type { Box, RgbImage } from '../ocr/types';
import { contains, grow } from './controls/pixels';
import { surroundingRegion, type RegionMap } from './controls/regions';
import type { Control, UiElement, UiRole } from './types';

const NOT_INTERACTABLE = new Set<UiRole>(['text', 'panel']);
/** A panel covers less than this share of the screen; more is the window or page itself. */
const MAX_PANEL_SHARE = 0.85;
const MAX_DEPTH = 6;

interface Draft {
  role: UiRole;
  box: Box;
  text: string;
  confidence: number;
  /** Region id of the panel it sits in, if any. */
  panel?: number;
  /** For a panel: its own region id. */
  region?: number;
}

/** The panel (a bounded flat region clearly larger than the box) right around `box`. */
function panelAround(map: RegionMap, box: Box): number | undefined {
  const region = surroundingRegion(map, grow(box, 3));
  if (!region) return undefined;
  const r = region.box;
  if (r.w * r.h > MAX_PANEL_SHARE * map.width * map.height) return undefined;
  if (!contains(r, box, 1) || r.h < 1.8 * box.h || r.w * r.h < 3 * box.w * box.h) return undefined;
  return region.id;
}

function readingCompare(a: Draft, b: Draft): number {
  const tolerance = Math.min(a.box.h, b.box.h) / 2;
  if (Math.abs(a.box.y - b.box.y) > tolerance) return a.box.y - b.box.y;
  return a.box.x - b.box.x;
}

function drafts(image: RgbImage, layout: Layout, controls: Control[]): Draft[] {
  const inControl = new Set(controls.flatMap((c) => c.texts));
  const out: Draft[] = controls.map((c) => ({
    role: c.role,
    box: c.box,
    text: c.text ?? c.texts.map((i) => layout.elements[i].text).join(' '),
    confidence: c.confidence,
  }));
  layout.elements.forEach((e, i) => {
    if (inControl.has(i)) return;
    out.push({
      role: guessRole(layout, e, image),
      box: e.box,
      text: e.text,
      confidence: e.confidence,
    });
  });
  return out;
}

/** Adds a draft for each panel the drafts sit in, and for the panels those sit in. */
function withPanels(map: RegionMap, items: Draft[]): Draft[] {
  const panels = new Map<number, Draft>();
  const queue = [...items];
  for (let depth = 0; depth < MAX_DEPTH && queue.length; depth++) {
    const next: Draft[] = [];
    for (const item of queue.splice(0)) {
      const id = panelAround(map, item.box);
      if (id === undefined) continue;
      item.panel = id;
      if (panels.has(id)) continue;
      const panel: Draft = {
        role: 'panel',
        box: map.regions[id].box,
        text: '',
        confidence: 1,
        region: id,
      };
      panels.set(id, panel);
      next.push(panel);
    }
    queue.push(...next);
  }
  return [...panels.values(), ...items];
}

/** Depth-first in reading order: each panel, then what is in it. */
function order(items: Draft[]): UiElement[] {
  const panelOf = new Map<number, Draft>();
  for (const d of items) if (d.region !== undefined) panelOf.set(d.region, d);
  const children = new Map<Draft | null, Draft[]>();
  for (const d of items) {
    const parent = d.panel === undefined ? null : (panelOf.get(d.panel) ?? null);
    children.set(parent, [...(children.get(parent) ?? []), d]);
  }
  const out: UiElement[] = [];
  const visit = (parent: Draft | null, parentId: number | null) => {
    for (const d of (children.get(parent) ?? []).sort(readingCompare)) {
      const id = out.length;
      out.push({
        id,
        role: d.role,
        interactable: !NOT_INTERACTABLE.has(d.role),
        box: d.box,
        text: d.text,
        confidence: Math.round(d.confidence * 1000) / 1000,
        parent: parentId,
      });
      if (d.role === 'panel') visit(d, id);
    }
  };
  visit(null, null);
  return out;
}

/** Every UI element of the screen, in reading order, panels before their contents. */
export function assembleElements(
  image: RgbImage,
  layout: Layout,
  controls: Control[],
  map: RegionMap,
): UiElement[] {
  return order(withPanels(map, drafts(image, layout, controls)));
}
