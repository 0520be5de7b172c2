// Reuses what the recognizer read in the previous OCRed frame of a recording for crops
// that did not change: same box, nearly the same pixels. Most lines of a screen stay put
// between frames the gate passes (one line was typed, a popup opened), so most crops are
// not read again. Video compression adds noise, so pixels are compared with a tolerance
// that noise stays under and a changed character does not.
import type { DecodedText } from './ctc';
import type { Box, RgbImage } from './types';

/** A pixel differs when its luma moved by more than this (0-255). */
const PIXEL_CHANGE = 64;
/** Share of differing pixels, and mean luma difference, a crop may have and still count as the same. */
const MAX_CHANGED_SHARE = 0.002;
const MAX_MEAN_DIFFERENCE = 6;

interface CachedCrop {
  box: Box;
  luma: Uint8Array;
  text: DecodedText;
}

export interface CropProbe {
  luma: Uint8Array;
  text?: DecodedText;
}

function cropLuma(image: RgbImage, box: Box): Uint8Array {
  const luma = new Uint8Array(box.w * box.h);
  for (let y = 0; y < box.h; y++) {
    for (let x = 0; x < box.w; x++) {
      const i = ((box.y + y) * image.width + box.x + x) * 3;
      luma[y * box.w + x] =
        (77 * image.rgb[i] + 150 * image.rgb[i + 1] + 29 * image.rgb[i + 2]) >> 8;
    }
  }
  return luma;
}

/** The detector's box around unchanged text may move by a pixel when nearby text changes. */
function nearBox(a: Box, b: Box): boolean {
  return (
    Math.abs(a.x - b.x) <= 2 &&
    Math.abs(a.y - b.y) <= 2 &&
    Math.abs(a.x + a.w - b.x - b.w) <= 2 &&
    Math.abs(a.y + a.h - b.y - b.h) <= 2
  );
}

const sameBox = (a: Box, b: Box) => a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;

function samePixels(a: Uint8Array, b: Uint8Array): boolean {
  let changed = 0;
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    total += d;
    if (d > PIXEL_CHANGE) changed++;
  }
  return changed <= a.length * MAX_CHANGED_SHARE && total <= a.length * MAX_MEAN_DIFFERENCE;
}

export class RecognitionCache {
  private previous: CachedCrop[] = [];
  private current: CachedCrop[] = [];
  hits = 0;
  misses = 0;

  /** Looks a crop up among the previous frame's; returns its luma (for remember) and the text if unchanged. */
  probe(image: RgbImage, box: Box): CropProbe {
    const luma = cropLuma(image, box);
    // Compares the previous crop with this frame's pixels at the previous crop's box.
    const match = this.previous.find(
      (c) =>
        nearBox(c.box, box) &&
        samePixels(c.luma, sameBox(c.box, box) ? luma : cropLuma(image, c.box)),
    );
    if (match) this.hits++;
    else this.misses++;
    return { luma, text: match?.text };
  }

  remember(box: Box, probe: CropProbe, text: DecodedText): void {
    this.current.push({ box, luma: probe.luma, text });
  }

  /** The crops remembered since the last call become the ones the next frame is compared with. */
  endFrame(): void {
    this.previous = this.current;
    this.current = [];
  }
}

export interface CachedReading {
  /** One reading per box: the cache's where the crop is unchanged, else a fresh one. */
  decoded: DecodedText[];
  /** The cache's readings (undefined where the crop was read afresh). */
  known: (DecodedText | undefined)[];
  /** Stores `decoded` (as it is by then) for the next frame to compare with. */
  remember: () => void;
}

/**
 * Reads the boxes through an optional cache: only crops the cache does not know go to
 * `read`. Call `remember` once the readings are final (a caller may improve some first).
 */
export async function readThroughCache(
  image: RgbImage,
  boxes: Box[],
  cache: RecognitionCache | undefined,
  read: (unread: Box[]) => Promise<DecodedText[]>,
): Promise<CachedReading> {
  if (!cache) {
    const decoded = await read(boxes);
    return { decoded, known: boxes.map(() => undefined), remember: () => undefined };
  }
  const probes = boxes.map((box) => cache.probe(image, box));
  const known = probes.map((p) => p.text);
  const fresh = await read(boxes.filter((_, i) => !known[i]));
  let next = 0;
  const decoded = known.map((k) => k ?? fresh[next++]);
  const remember = () => probes.forEach((probe, i) => cache.remember(boxes[i], probe, decoded[i]));
  return { decoded, known, remember };
}
