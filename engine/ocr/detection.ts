// Text detection: the PP-OCRv4 DB detector finds where text is. The screenshot is resized
// so its longer side is at most `maxSide` (multiples of 32, as the network needs), the
// probability map is post-processed into boxes, and boxes are mapped back to image pixels.
// When that resize shrank small text too far, the screenshot is detected again at full size
// (SmallTextRule).
import sharp from 'sharp';
import * as ort from 'onnxruntime-node';
import { dbPostprocess, DEFAULT_DB_OPTIONS, type DbOptions } from './db-postprocess';
import type { Box, RgbImage } from './types';

export interface DetectionOptions {
  /** Longer side of the detector input, in pixels. Smaller is faster; too small loses small text. */
  maxSide: number;
  smallText: SmallTextRule | false;
  db: DbOptions;
}

/**
 * A screenshot taken at 1x (text boxes under `imageHeight` pixels tall in the image itself)
 * that the `maxSide` resize shrank to boxes under `scaledHeight` is detected again with its
 * longer side up to `maxSide`. Halving 1x text closes the gaps between neighbouring words
 * and controls: a Qt toolbar at 1920x1080 came back as one box per row (`nu Delayec Mel nu
 * Checkable`), and 11-pixel WinUI captions were cut so that `m` read as `r n`. HiDPI text is
 * twice as tall in the image, so it keeps the fast pass: detecting 2x terminals at full
 * size split and misread lines the fast pass reads (tabby, posting, Windows Terminal).
 * Heights are medians over the first pass's boxes, which include the detector's margin.
 */
export interface SmallTextRule {
  imageHeight: number;
  scaledHeight: number;
  maxSide: number;
}

export const DEFAULT_DETECTION_OPTIONS: DetectionOptions = {
  maxSide: 960,
  smallText: { imageHeight: 32, scaledHeight: 18, maxSide: 2560 },
  db: DEFAULT_DB_OPTIONS,
};

// PaddleOCR normalizes the BGR image (as OpenCV loads it) with ImageNet statistics in this order.
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

export interface DetectedBox {
  box: Box;
  score: number;
}

function scaleFor(width: number, height: number, maxSide: number): number {
  return Math.min(1, maxSide / Math.max(width, height));
}

function inputSize(width: number, height: number, maxSide: number) {
  const scale = scaleFor(width, height, maxSide);
  const round32 = (v: number) => Math.max(32, Math.round((v * scale) / 32) * 32);
  return { width: round32(width), height: round32(height) };
}

/** HWC RGB bytes -> NCHW float32 in BGR channel order, normalized. */
function toDetectorTensor(rgb: Buffer, width: number, height: number): ort.Tensor {
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const source = 2 - c; // BGR
    const scale = 1 / (255 * STD[c]);
    const offset = MEAN[c] / STD[c];
    const out = c * plane;
    for (let p = 0; p < plane; p++) data[out + p] = rgb[p * 3 + source] * scale - offset;
  }
  return new ort.Tensor('float32', data, [1, 3, height, width]);
}

function clampBox(box: Box, sx: number, sy: number, width: number, height: number): Box {
  const x0 = Math.max(0, Math.floor(box.x * sx));
  const y0 = Math.max(0, Math.floor(box.y * sy));
  const x1 = Math.min(width, Math.ceil((box.x + box.w) * sx));
  const y1 = Math.min(height, Math.ceil((box.y + box.h) * sy));
  return { x: x0, y: y0, w: Math.max(0, x1 - x0), h: Math.max(0, y1 - y0) };
}

export async function detectText(
  session: ort.InferenceSession,
  image: RgbImage,
  options: DetectionOptions = DEFAULT_DETECTION_OPTIONS,
): Promise<DetectedBox[]> {
  const first = await detectAt(session, image, options.maxSide, options.db);
  const again =
    options.smallText && smallTextSide(image, first, options.maxSide, options.smallText);
  return again ? detectAt(session, image, again, options.db) : first;
}

/** The longer side to detect at again, or undefined when the first pass kept text tall enough. */
export function smallTextSide(
  image: { width: number; height: number },
  first: DetectedBox[],
  maxSide: number,
  rule: SmallTextRule,
): number | undefined {
  const scale = scaleFor(image.width, image.height, maxSide);
  const side = Math.min(rule.maxSide, Math.max(image.width, image.height));
  if (!first.length || scaleFor(image.width, image.height, side) <= scale) return undefined;
  const heights = first.map((d) => d.box.h).sort((a, b) => a - b);
  const median = heights[Math.floor(heights.length / 2)];
  return median < rule.imageHeight && median * scale < rule.scaledHeight ? side : undefined;
}

async function detectAt(
  session: ort.InferenceSession,
  image: RgbImage,
  maxSide: number,
  db: DbOptions,
): Promise<DetectedBox[]> {
  const size = inputSize(image.width, image.height, maxSide);
  const resized = await sharp(image.rgb, {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize(size.width, size.height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  const input = toDetectorTensor(resized, size.width, size.height);
  const output = await session.run({ [session.inputNames[0]]: input });
  const map = output[session.outputNames[0]];
  const [, , mapHeight, mapWidth] = map.dims;
  const regions = dbPostprocess(map.data as Float32Array, mapWidth, mapHeight, db);
  input.dispose?.();
  map.dispose?.();
  const sx = image.width / mapWidth;
  const sy = image.height / mapHeight;
  return regions
    .map((r) => ({ box: clampBox(r.box, sx, sy, image.width, image.height), score: r.score }))
    .filter((r) => r.box.w >= 4 && r.box.h >= 4);
}
