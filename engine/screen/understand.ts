// Screen understanding on top of OCR: the controls in the pixels, the elements agents act
// on, and query matches that point at the control (its box, its role), not only its label.
import type { Layout } from '../ocr/layout';
import { findMatches } from '../ocr/query';
import type { ElementRole, QueryMatch, RgbImage } from '../ocr/types';
import { detectControls } from './controls/detect';
import { contains } from './controls/pixels';
import { assembleElements } from './elements';
import type { Control, UiElement } from './types';

export interface ScreenUnderstanding {
  ui: UiElement[];
  matches?: QueryMatch[];
  controlsMs: number;
}

function controlOfText(controls: Control[], index: number): Control | undefined {
  return controls.find((c) => c.texts.includes(index));
}

/** A match on a control's label answers with the control's box and role. */
function toControl(match: QueryMatch, controls: Control[]): QueryMatch {
  const centre = {
    x: match.box.x + match.box.w / 2,
    y: match.box.y + match.box.h / 2,
    w: 0,
    h: 0,
  };
  const control =
    match.element >= 0
      ? controlOfText(controls, match.element)
      : controls.find((c) => c.texts.length > 0 && contains(c.box, centre));
  return control ? { ...match, box: control.box, role: control.role } : match;
}

export function understandScreen(
  image: RgbImage,
  layout: Layout,
  query?: string,
  maxMatches?: number,
): ScreenUnderstanding {
  const start = performance.now();
  const { controls, regions } = detectControls(image, layout);
  const ui = assembleElements(image, layout, controls, regions);
  const roleOf = (index: number): ElementRole | undefined => controlOfText(controls, index)?.role;
  const matches = query
    ? findMatches(layout, query, image, maxMatches, roleOf).map((m) => toControl(m, controls))
    : undefined;
  return { ui, matches, controlsMs: performance.now() - start };
}
