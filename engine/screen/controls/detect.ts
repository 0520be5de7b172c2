// Finds the controls on a screenshot from its pixels and the OCR layout: surfaces with
// text (buttons, fields, dropdowns, menu rows), tab rows, marks beside labels (checkboxes, radio
// buttons, toggles), surfaces without text (empty fields, icon buttons) and bare icon glyphs.
import type { Layout } from '../../ocr/layout';
import type { RgbImage } from '../../ocr/types';
import type { Control } from '../types';
import { bareControls } from './bare';
import { glyphIcons } from './glyph-icons';
import { markControls } from './marks';
import { flatRegions, type RegionMap } from './regions';
import { surfaceControls } from './surfaces';
import { tabControls } from './tabs';

export interface DetectedControls {
  controls: Control[];
  /** The flat regions, kept for finding the panels the controls sit in. */
  regions: RegionMap;
}

export function detectControls(image: RgbImage, layout: Layout): DetectedControls {
  const regions = flatRegions(image);
  const controls = surfaceControls(image, regions, layout);
  const taken = new Set(controls.flatMap((c) => c.texts));
  controls.push(...markControls(image, regions, layout, taken));
  controls.push(...tabControls(image, regions, layout, controls));
  controls.push(...bareControls(image, regions, layout, controls));
  controls.push(...glyphIcons(regions, layout, controls));
  return { controls, regions };
}
