// A synthetic 1280x720 dialog drawn with sharp from SVG, so every text and its ink box are
// known exactly: each text's box is measured by rendering the screen with and without it.
import sharp from 'sharp';
import type { Box } from '../../../engine/ocr/types';

export interface RenderedText {
  id: string;
  text: string;
  x: number;
  y: number;
  size: number;
  fill: string;
  anchor?: 'start' | 'middle';
  weight?: string;
}

/** The underline drawn under the link (a 1.5 px line at y = 345 from x = 420 to 650). */
const UNDERLINE = { x: 420, y: 344, w: 231, h: 2 };

export const WIDTH = 1280;
export const HEIGHT = 720;

const SHAPES = `
  <rect width="1280" height="720" fill="#f3f3f3"/>
  <rect width="1280" height="48" fill="#2b2b2b"/>
  <rect x="380" y="200" width="520" height="280" rx="8" fill="#ffffff" stroke="#c8c8c8"/>
  <rect x="640" y="400" width="110" height="44" rx="6" fill="#0a64d8"/>
  <rect x="765" y="400" width="110" height="44" rx="6" fill="#ffffff" stroke="#8a8a8a" stroke-width="1.5"/>
  <line x1="420" y1="345" x2="650" y2="345" stroke="#0645ad" stroke-width="1.5"/>`;

export const TEXTS: RenderedText[] = [
  { id: 'title', text: 'Untitled - Notes', x: 24, y: 32, size: 20, fill: '#ffffff' },
  {
    id: 'heading',
    text: 'Unsaved changes',
    x: 420,
    y: 250,
    size: 26,
    fill: '#1a1a1a',
    weight: 'bold',
  },
  {
    id: 'body',
    text: 'Save your changes before closing?',
    x: 420,
    y: 300,
    size: 20,
    fill: '#333333',
  },
  { id: 'link', text: 'Learn more about autosave', x: 420, y: 340, size: 20, fill: '#0645ad' },
  { id: 'save', text: 'Save', x: 695, y: 429, size: 20, fill: '#ffffff', anchor: 'middle' },
  { id: 'cancel', text: 'Cancel', x: 820, y: 429, size: 20, fill: '#1a1a1a', anchor: 'middle' },
];

const textSvg = (t: RenderedText) =>
  `<text x="${t.x}" y="${t.y}" font-family="DejaVu Sans" font-size="${t.size}" fill="${t.fill}"` +
  ` text-anchor="${t.anchor ?? 'start'}" font-weight="${t.weight ?? 'normal'}">${t.text}</text>`;

const svg = (texts: RenderedText[]) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">${SHAPES}${texts.map(textSvg).join('')}</svg>`;

async function raw(texts: RenderedText[]): Promise<Buffer> {
  return sharp(Buffer.from(svg(texts)))
    .removeAlpha()
    .raw()
    .toBuffer();
}

/** Bounding box of the pixels that differ between two renders. */
function diffBox(a: Buffer, b: Buffer): Box {
  let minX = WIDTH;
  let minY = HEIGHT;
  let maxX = -1;
  let maxY = -1;
  for (let p = 0; p < WIDTH * HEIGHT; p++) {
    const d =
      Math.abs(a[p * 3] - b[p * 3]) +
      Math.abs(a[p * 3 + 1] - b[p * 3 + 1]) +
      Math.abs(a[p * 3 + 2] - b[p * 3 + 2]);
    if (d < 90) continue;
    const x = p % WIDTH;
    const y = (p / WIDTH) | 0;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  return { x: minX, y: minY, w: maxX - minX + 1, h: maxY - minY + 1 };
}

export interface RenderedScreen {
  png: Buffer;
  /** Ink box of each text, by id. */
  boxes: Record<string, Box>;
}

export async function renderScreen(): Promise<RenderedScreen> {
  const png = await sharp(Buffer.from(svg(TEXTS)))
    .png()
    .toBuffer();
  const blank = await raw([]);
  const boxes: Record<string, Box> = {};
  for (const t of TEXTS) boxes[t.id] = diffBox(blank, await raw([t]));
  // The link's underline is part of what a reader sees as the link.
  const l = boxes.link;
  const right = Math.max(l.x + l.w, UNDERLINE.x + UNDERLINE.w);
  const bottom = Math.max(l.y + l.h, UNDERLINE.y + UNDERLINE.h);
  boxes.link = {
    x: Math.min(l.x, UNDERLINE.x),
    y: l.y,
    w: right - Math.min(l.x, UNDERLINE.x),
    h: bottom - l.y,
  };
  return { png, boxes };
}
