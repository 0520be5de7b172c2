// Set-of-marks: the screenshot with each interactable element's box drawn and numbered
// with its id, the picture agents hand a vision-language model so it can answer "click 7".
// Drawn with sharp: an SVG overlay composited onto the decoded pixels.
import sharp from 'sharp';
import { loadRgbImage } from '../ocr/image-input';
import type { RgbImage } from '../ocr/types';
import type { UiElement } from './types';

const COLOURS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#008080', '#9a6324'];

function overlay(width: number, height: number, elements: UiElement[]): string {
  const stroke = Math.max(2, Math.round(Math.min(width, height) / 400));
  const font = Math.max(12, Math.round(Math.min(width, height) / 60));
  const parts = elements.map((e) => {
    const colour = COLOURS[e.id % COLOURS.length];
    const { x, y, w, h } = e.box;
    const label = String(e.id);
    const tagW = Math.round(font * (0.35 + 0.62 * label.length));
    const tagY = y - font - 2 >= 0 ? y - font - 2 : y;
    return (
      `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>` +
      `<rect x="${x}" y="${tagY}" width="${tagW}" height="${font + 2}" fill="${colour}"/>` +
      `<text x="${x + 2}" y="${tagY + font - 1}" font-family="sans-serif" font-size="${font}" font-weight="bold" fill="#fff">${label}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** A PNG of the screenshot with the interactable elements boxed and numbered by id. */
export async function drawSetOfMarks(
  image: string | Buffer | RgbImage,
  elements: UiElement[],
): Promise<Buffer> {
  const rgb =
    typeof image === 'string' || Buffer.isBuffer(image) ? await loadRgbImage(image) : image;
  const marked = elements.filter((e) => e.interactable);
  return sharp(Buffer.from(rgb.rgb.buffer, rgb.rgb.byteOffset, rgb.rgb.byteLength), {
    raw: { width: rgb.width, height: rgb.height, channels: 3 },
  })
    .composite([{ input: Buffer.from(overlay(rgb.width, rgb.height, marked)), top: 0, left: 0 }])
    .png()
    .toBuffer();
}
