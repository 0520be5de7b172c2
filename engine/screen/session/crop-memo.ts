// The readings of one screenshot session's recent crops, keyed by the crop's exact input.
// The recognizer's reading of a crop depends on the pixels it samples, the box (which maps
// characters back to image x), the crop's width and the padded width of its batch; with
// all four equal the reading is equal, so reusing it cannot change the analysis. Only the
// crops of the last few screenshots are kept: an agent's next screenshot is mostly its
// last one, or the one before a dialog opened.
import { createHash } from 'node:crypto';
import type { DecodedText } from '../../ocr/ctc';
import type { CropMemo } from '../../ocr/recognition';
import type { Box, RgbImage } from '../../ocr/types';

export interface MemoEntry {
  read: DecodedText;
  /** The screenshot (counted from the session's first) that last used this entry. */
  usedAt: number;
  bytes: number;
}

export interface MemoCounts {
  /** Crops whose reading was reused. */
  reused: number;
  /** Crops read by the recognizer. */
  read: number;
}

/** Fixed cost of an entry beyond its text and characters: the key, the object, the map slot. */
const ENTRY_OVERHEAD_BYTES = 160;

function entryBytes(read: DecodedText): number {
  return ENTRY_OVERHEAD_BYTES + read.text.length * 2 + (read.characters?.length ?? 0) * 40;
}

/**
 * The key of a crop: its box, widths and the pixels bilinear sampling may touch (the box
 * grown by one pixel, clipped to the image). sha256 makes a collision (two different crops
 * taken for one) negligible.
 */
export function cropKey(image: RgbImage, box: Box, width: number, stride: number): string {
  const x0 = Math.max(0, box.x - 1);
  const y0 = Math.max(0, box.y - 1);
  const x1 = Math.min(image.width, box.x + box.w + 1);
  const y1 = Math.min(image.height, box.y + box.h + 1);
  const hash = createHash('sha256');
  const rgb = Buffer.from(image.rgb.buffer, image.rgb.byteOffset, image.rgb.byteLength);
  for (let y = y0; y < y1; y++)
    hash.update(rgb.subarray((y * image.width + x0) * 3, (y * image.width + x1) * 3));
  return `${box.x},${box.y},${box.w},${box.h},${width},${stride},${image.width}x${image.height},${hash.digest('base64')}`;
}

export class SessionCropMemo implements CropMemo {
  private readonly entries = new Map<string, MemoEntry>();
  private frame = 0;
  counts: MemoCounts = { reused: 0, read: 0 };

  constructor(entries: Iterable<[string, MemoEntry]> = [], frame = 0) {
    for (const [key, entry] of entries) this.entries.set(key, entry);
    this.frame = frame;
  }

  /** Starts a screenshot: counts restart, entries it uses are marked with its number. */
  beginFrame(): void {
    this.frame++;
    this.counts = { reused: 0, read: 0 };
  }

  lookup(image: RgbImage, box: Box, width: number, stride: number): DecodedText | undefined {
    const entry = this.entries.get(cropKey(image, box, width, stride));
    if (!entry) return undefined;
    entry.usedAt = this.frame;
    this.counts.reused++;
    return entry.read;
  }

  store(image: RgbImage, box: Box, width: number, stride: number, read: DecodedText): void {
    this.counts.read++;
    this.entries.set(cropKey(image, box, width, stride), {
      read,
      usedAt: this.frame,
      bytes: entryBytes(read),
    });
  }

  /**
   * Drops entries no screenshot among the last `keepFrames` used, then the least recently
   * used ones until the memo fits in `maxBytes`.
   */
  prune(keepFrames: number, maxBytes: number): void {
    for (const [key, entry] of this.entries)
      if (this.frame - entry.usedAt >= keepFrames) this.entries.delete(key);
    let bytes = this.bytes;
    if (bytes <= maxBytes) return;
    const oldestFirst = [...this.entries].sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [key, entry] of oldestFirst) {
      if (bytes <= maxBytes) break;
      this.entries.delete(key);
      bytes -= entry.bytes;
    }
  }

  /** Marks the entries the previous screenshot used as used by this one. */
  touchPrevious(): void {
    for (const entry of this.entries.values())
      if (entry.usedAt === this.frame - 1) entry.usedAt = this.frame;
  }

  clear(): void {
    this.entries.clear();
  }

  get bytes(): number {
    let sum = 0;
    for (const entry of this.entries.values()) sum += entry.bytes;
    return sum;
  }

  get size(): number {
    return this.entries.size;
  }

  get frameNumber(): number {
    return this.frame;
  }

  /** The entries, for saving a session to disk. */
  snapshot(): [string, MemoEntry][] {
    return [...this.entries];
  }
}
