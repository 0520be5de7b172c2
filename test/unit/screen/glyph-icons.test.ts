// Bare icon glyphs (engine/screen/controls/glyph-icons.ts) on a drawn screen: a toolbar icon
// in two parts joins one icon; text, a thin rule and a speck are not icons; a symbol OCR
// read becomes an icon unless a control took it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { glyphIcons } from '../../../engine/screen/controls/glyph-icons';
import { flatRegions } from '../../../engine/screen/controls/regions';
import type { Layout } from '../../../engine/ocr/layout';
import type { Box, RgbImage, TextElement } from '../../../engine/ocr/types';
import type { Control } from '../../../engine/screen/types';

function canvas(width: number, height: number): RgbImage {
  return { width, height, rgb: new Uint8Array(width * height * 3).fill(245) };
}

function block(image: RgbImage, b: Box, value = 30) {
  for (let y = b.y; y < b.y + b.h; y++)
    image.rgb.fill(value, (y * image.width + b.x) * 3, (y * image.width + b.x + b.w) * 3);
}

function element(text: string, box: Box): TextElement {
  return { text, box, confidence: 0.9, line: 0, block: 0, order: 0 } as TextElement;
}

const layout = (elements: TextElement[]) => ({ elements }) as unknown as Layout;

/** Three 14-px text elements (the median text height) and the ink under them. */
function screen(): { image: RgbImage; texts: TextElement[] } {
  const image = canvas(300, 120);
  const texts = [
    element('File', { x: 10, y: 10, w: 30, h: 14 }),
    element('Edit', { x: 50, y: 10, w: 30, h: 14 }),
    element('View', { x: 90, y: 10, w: 34, h: 14 }),
  ];
  for (const t of texts) block(image, { ...t.box, x: t.box.x + 2, w: t.box.w - 4 }, 60);
  return { image, texts };
}

test('a two-part toolbar glyph is one icon; text, a rule and a speck are not icons', () => {
  const { image, texts } = screen();
  block(image, { x: 200, y: 50, w: 8, h: 18 }); // left page of a files icon
  block(image, { x: 209, y: 52, w: 8, h: 16 }); // right page, one blank column apart
  block(image, { x: 20, y: 90, w: 200, h: 1 }); // a rule
  block(image, { x: 150, y: 60, w: 3, h: 3 }); // a speck
  const icons = glyphIcons(flatRegions(image), layout(texts), []);
  assert.deepEqual(
    icons.map((c) => [c.role, c.box]),
    [['icon', { x: 200, y: 50, w: 17, h: 18 }]],
  );
});

test('a symbol OCR read is an icon with no text, unless a control took it', () => {
  const { image, texts } = screen();
  const gear = element('回', { x: 240, y: 10, w: 15, h: 15 });
  block(image, gear.box);
  const all = [...texts, gear];
  const icons = glyphIcons(flatRegions(image), layout(all), []);
  assert.deepEqual(
    icons.map((c) => [c.role, c.box, c.texts, c.text]),
    [['icon', gear.box, [3], '']],
  );
  const field: Control = {
    role: 'field',
    box: { x: 0, y: 0, w: 300, h: 40 },
    texts: [3],
    confidence: 0.9,
  };
  assert.deepEqual(glyphIcons(flatRegions(image), layout(all), [field]), []);
});
