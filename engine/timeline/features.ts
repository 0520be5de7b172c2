// What the timeline measures on each encoded frame, beside the OCR the stream already
// runs: which regions changed since the previous encoded frame (the frame gate's block
// luma test, kept as a map instead of a yes/no) and a colour histogram for shot
// boundaries. Both cost a pass over the pixels, far below one OCR run.
import { blockLuma, GATE_DEFAULTS } from '../ingest/frame-gate';
import type { Box } from './types';

/** Blocks of 8 px: coarse enough that a region is a few hundred cells, fine enough for a toast. */
const BLOCK = 8;
/** Histogram bins per channel (4 → 64 joint bins): robust to noise, sensitive to a new shot. */
const BINS = 4;
/** Every STRIDE-th pixel feeds the histogram; a shot change moves all of them. */
const STRIDE = 3;
/** Luma histogram bins (16 levels each). */
const LUMA_BINS = 16;

export interface FrameLuma {
  width: number;
  height: number;
  luma: Float32Array;
}

export interface ChangeMap {
  regions: Box[];
  fraction: number;
}

export function frameLuma(rgb: Uint8Array, width: number, height: number): FrameLuma {
  return { width, height, luma: blockLuma(rgb, width, height, BLOCK) };
}

/**
 * The regions whose block luma moved by more than the gate's threshold, as bounding boxes
 * of connected changed blocks (one block of slack joins the cells of a text line).
 */
export function changedRegions(previous: FrameLuma | undefined, current: FrameLuma): ChangeMap {
  const cols = Math.ceil(current.width / BLOCK);
  const rows = Math.ceil(current.height / BLOCK);
  if (!previous || previous.width !== current.width || previous.height !== current.height)
    return { regions: [{ x: 0, y: 0, w: current.width, h: current.height }], fraction: 1 };
  const mask = new Uint8Array(cols * rows);
  let changed = 0;
  for (let i = 0; i < mask.length; i++)
    if (Math.abs(current.luma[i]! - previous.luma[i]!) > GATE_DEFAULTS.threshold) {
      mask[i] = 1;
      changed++;
    }
  return { regions: components(mask, cols, rows, current), fraction: changed / mask.length };
}

/** Bounding boxes of the 8-connected groups of changed cells, bridging one-cell gaps. */
function components(mask: Uint8Array, cols: number, rows: number, size: FrameLuma): Box[] {
  const seen = new Uint8Array(mask.length);
  const boxes: Box[] = [];
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    let [x0, y0, x1, y1] = [cols, rows, -1, -1];
    seen[start] = 1;
    stack.push(start);
    while (stack.length) {
      const cell = stack.pop()!;
      const cx = cell % cols;
      const cy = (cell / cols) | 0;
      [x0, y0, x1, y1] = [Math.min(x0, cx), Math.min(y0, cy), Math.max(x1, cx), Math.max(y1, cy)];
      for (let dy = -2; dy <= 2; dy++)
        for (let dx = -2; dx <= 2; dx++) {
          const nx = cx + dx;
          const ny = cy + dy;
          if (nx < 0 || ny < 0 || nx >= cols || ny >= rows) continue;
          const n = ny * cols + nx;
          if (mask[n] && !seen[n]) {
            seen[n] = 1;
            stack.push(n);
          }
        }
    }
    const x = x0 * BLOCK;
    const y = y0 * BLOCK;
    boxes.push({
      x,
      y,
      w: Math.min(size.width, (x1 + 1) * BLOCK) - x,
      h: Math.min(size.height, (y1 + 1) * BLOCK) - y,
    });
  }
  return boxes;
}

/**
 * A normalised joint RGB histogram (BINS^3 bins) followed by a LUMA_BINS luma histogram,
 * over a sample of the pixels. The luma part keeps cuts visible in black-and-white film,
 * whose colours all fall in the few grey bins of the joint histogram.
 */
export function colourHistogram(rgb: Uint8Array): number[] {
  const shift = 8 - Math.log2(BINS);
  const colour = new Float64Array(BINS * BINS * BINS);
  const luma = new Float64Array(LUMA_BINS);
  let count = 0;
  for (let p = 0; p + 2 < rgb.length; p += 3 * STRIDE) {
    const [r, g, b] = [rgb[p]!, rgb[p + 1]!, rgb[p + 2]!];
    colour[((r >> shift) * BINS + (g >> shift)) * BINS + (b >> shift)]!++;
    luma[Math.min(LUMA_BINS - 1, ((77 * r + 150 * g + 29 * b) >> 8) >> 4)]!++;
    count++;
  }
  return [...colour, ...luma].map((b) => Number((b / Math.max(1, count)).toFixed(5)));
}

/** Half the L1 distance of the colour and of the luma histograms, averaged: 0 same, 1 none shared. */
export function histogramDistance(a: number[], b: number[]): number {
  const split = BINS * BINS * BINS;
  const half = (from: number, to: number) => {
    let sum = 0;
    for (let i = from; i < to; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
    return sum / 2;
  };
  return (half(0, split) + half(split, split + LUMA_BINS)) / 2;
}
