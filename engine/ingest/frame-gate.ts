// The frame gate: skips near-duplicate frames before they cost an encoder pass. Screen
// recordings are mostly static, so this is the largest saving ingest can make.
//
// Test: each frame is reduced to the mean luma of small blocks (4x4 px by default) and
// compared with the last KEPT frame (not the previous one, so slow drift adds up and
// passes eventually). A frame passes when any block changed by more than `threshold`
// luma levels: a maximum over small blocks, not a global mean, because a few changed
// characters on a static 1080p screen move the global mean by almost nothing, while
// they move their own blocks by tens of levels. Compression noise averages out within
// a block and stays well under the threshold.
import { formatTime } from '../util/time-format';
import type { DecodedFrame } from './types';

/** The gate's defaults: the one place its units and values are set. */
export const GATE_DEFAULTS = { blockSize: 4, threshold: 12, sceneFraction: 0.4 } as const;

export interface FrameGateOptions {
  /** Side of the square luma blocks, in pixels (default 4). */
  blockSize?: number;
  /** A frame passes when a block's mean luma changed by more than this, 0-255 (default 12). */
  threshold?: number;
  /** A kept frame is a scene change when at least this fraction of blocks changed (default 0.4). */
  sceneFraction?: number;
}

/** Frames skipped as unchanged after a kept frame: "unchanged from 0:12 to 0:47". */
export interface UnchangedRun {
  /** Index and time of the kept frame that the skipped frames duplicated. */
  keptIndex: number;
  fromSec: number;
  /** Time of the last skipped frame. */
  toSec: number;
  /** Frames skipped. */
  skipped: number;
}

export type GateReason = 'first' | 'changed' | 'scene-change' | 'resized' | 'duplicate';

export interface GateDecision {
  keep: boolean;
  reason: GateReason;
  /** True when most of the picture changed: a new scene, window or page. */
  sceneChange: boolean;
  /** Largest block change against the last kept frame, in luma levels. */
  maxBlockDiff: number;
  /** Fraction of blocks that changed by more than the threshold. */
  changedFraction: number;
  /** On a kept frame: the duplicates skipped since the previous kept frame, if any. */
  unchangedBefore?: UnchangedRun;
}

export interface GateStats {
  seen: number;
  kept: number;
  skipped: number;
  sceneChanges: number;
}

/** Weighted luma sums (x256) per block, any block size. */
function sumBlocks(
  rgb: Uint8Array,
  width: number,
  height: number,
  blockSize: number,
  cols: number,
  sums: Uint32Array,
): void {
  for (let y = 0; y < height; y++) {
    const rowBase = ((y / blockSize) | 0) * cols;
    let p = y * width * 3;
    for (let bx = 0, x = 0; bx < cols; bx++) {
      const end = Math.min(x + blockSize, width);
      let acc = 0;
      for (; x < end; x++, p += 3) acc += 77 * rgb[p]! + 150 * rgb[p + 1]! + 29 * rgb[p + 2]!;
      sums[rowBase + bx]! += acc;
    }
  }
}

/** The same for the default 4-pixel blocks, unrolled: about twice as fast. */
function sumBlocksOf4(
  rgb: Uint8Array,
  width: number,
  height: number,
  cols: number,
  sums: Uint32Array,
): void {
  const whole = width >> 2;
  for (let y = 0; y < height; y++) {
    const rowBase = (y >> 2) * cols;
    let p = y * width * 3;
    for (let bx = 0; bx < whole; bx++, p += 12) {
      const r = rgb[p]! + rgb[p + 3]! + rgb[p + 6]! + rgb[p + 9]!;
      const g = rgb[p + 1]! + rgb[p + 4]! + rgb[p + 7]! + rgb[p + 10]!;
      const b = rgb[p + 2]! + rgb[p + 5]! + rgb[p + 8]! + rgb[p + 11]!;
      sums[rowBase + bx]! += 77 * r + 150 * g + 29 * b;
    }
    let acc = 0;
    for (let x = whole * 4; x < width; x++, p += 3)
      acc += 77 * rgb[p]! + 150 * rgb[p + 1]! + 29 * rgb[p + 2]!;
    if (whole < cols) sums[rowBase + whole]! += acc;
  }
}

/**
 * Mean luma (BT.601 weights, 0-255) of each block of an RGB24 image. Hot loop: about 1 ms
 * per 1080p frame matters here, so it sums each block row segment in a local and divides once.
 */
export function blockLuma(
  rgb: Uint8Array,
  width: number,
  height: number,
  blockSize: number,
): Float32Array {
  const cols = Math.ceil(width / blockSize);
  const rows = Math.ceil(height / blockSize);
  const sums = new Uint32Array(cols * rows);
  if (blockSize === 4) sumBlocksOf4(rgb, width, height, cols, sums);
  else sumBlocks(rgb, width, height, blockSize, cols, sums);
  const means = new Float32Array(cols * rows);
  for (let by = 0; by < rows; by++) {
    const h = Math.min(blockSize, height - by * blockSize);
    for (let bx = 0; bx < cols; bx++) {
      const w = Math.min(blockSize, width - bx * blockSize);
      means[by * cols + bx] = sums[by * cols + bx]! / (256 * w * h);
    }
  }
  return means;
}

interface Kept {
  index: number;
  timeSec: number;
  width: number;
  height: number;
  luma: Float32Array;
}

/**
 * Decides per frame whether it goes on to the encoder. It keeps a reference to the
 * previous frame's pixels (one frame of memory); callers must not modify a frame's `rgb`
 * after pushing it.
 */
export class FrameGate {
  readonly stats: GateStats = { seen: 0, kept: 0, skipped: 0, sceneChanges: 0 };
  private readonly blockSize: number;
  private readonly threshold: number;
  private readonly sceneFraction: number;
  private kept: Kept | undefined;
  private run: UnchangedRun | undefined;
  /** The previous frame (kept or not), to reuse its luma where its pixels are unchanged. */
  private previous:
    | { rgb: Uint8Array; width: number; height: number; luma: Float32Array }
    | undefined;

  constructor(options: FrameGateOptions = {}) {
    this.blockSize = options.blockSize ?? GATE_DEFAULTS.blockSize;
    this.threshold = options.threshold ?? GATE_DEFAULTS.threshold;
    this.sceneFraction = options.sceneFraction ?? GATE_DEFAULTS.sceneFraction;
    if (!(this.blockSize >= 1))
      throw new Error(`frame gate blockSize must be >= 1, got ${this.blockSize}`);
    if (!(this.threshold >= 0))
      throw new Error(`frame gate threshold must be >= 0, got ${this.threshold}`);
  }

  /** Decides whether a frame goes on to the encoder. */
  push(frame: DecodedFrame): GateDecision {
    this.stats.seen++;
    const luma = this.lumaOf(frame);
    const previous = this.kept;
    if (!previous || previous.width !== frame.width || previous.height !== frame.height) {
      return this.keep(frame, luma, previous ? 'resized' : 'first', true, 255, 1);
    }
    let maxDiff = 0;
    let changed = 0;
    for (let i = 0; i < luma.length; i++) {
      const diff = Math.abs(luma[i]! - previous.luma[i]!);
      if (diff > maxDiff) maxDiff = diff;
      if (diff > this.threshold) changed++;
    }
    const changedFraction = changed / luma.length;
    if (maxDiff <= this.threshold) {
      this.stats.skipped++;
      this.run = {
        keptIndex: previous.index,
        fromSec: previous.timeSec,
        toSec: frame.timeSec,
        skipped: (this.run?.skipped ?? 0) + 1,
      };
      return {
        keep: false,
        reason: 'duplicate',
        sceneChange: false,
        maxBlockDiff: maxDiff,
        changedFraction,
      };
    }
    const scene = changedFraction >= this.sceneFraction;
    return this.keep(
      frame,
      luma,
      scene ? 'scene-change' : 'changed',
      scene,
      maxDiff,
      changedFraction,
    );
  }

  /**
   * Block luma of a frame, recomputed only for block rows whose bytes differ from the
   * previous frame (a C memcmp, far cheaper than the luma sums). Exact: equal pixels give
   * equal luma. Screen recordings change a few rows at a time, and H.264 skip blocks
   * reproduce unchanged areas bit for bit, so most rows are reused.
   */
  private lumaOf(frame: DecodedFrame): Float32Array {
    const { rgb, width, height } = frame;
    const prev = this.previous;
    let luma: Float32Array;
    if (!prev || prev.width !== width || prev.height !== height) {
      luma = blockLuma(rgb, width, height, this.blockSize);
    } else {
      luma = new Float32Array(prev.luma.length);
      const cols = Math.ceil(width / this.blockSize);
      const bandBytes = this.blockSize * width * 3;
      for (let band = 0, start = 0; start < rgb.length; band++, start += bandBytes) {
        const end = Math.min(start + bandBytes, rgb.length);
        const same = Buffer.compare(rgb.subarray(start, end), prev.rgb.subarray(start, end)) === 0;
        const target = luma.subarray(band * cols, (band + 1) * cols);
        if (same) target.set(prev.luma.subarray(band * cols, (band + 1) * cols));
        else
          target.set(
            blockLuma(rgb.subarray(start, end), width, (end - start) / (width * 3), this.blockSize),
          );
      }
    }
    this.previous = { rgb, width, height, luma };
    return luma;
  }

  /** The duplicates skipped after the last kept frame; call when the stream ends. */
  finish(): UnchangedRun | undefined {
    const run = this.run;
    this.run = undefined;
    return run;
  }

  private keep(
    frame: DecodedFrame,
    luma: Float32Array,
    reason: GateReason,
    sceneChange: boolean,
    maxBlockDiff: number,
    changedFraction: number,
  ): GateDecision {
    this.stats.kept++;
    if (sceneChange) this.stats.sceneChanges++;
    const unchangedBefore = this.run;
    this.run = undefined;
    this.kept = {
      index: frame.index,
      timeSec: frame.timeSec,
      width: frame.width,
      height: frame.height,
      luma,
    };
    return { keep: true, reason, sceneChange, maxBlockDiff, changedFraction, unchangedBefore };
  }
}

export interface GatedFrame {
  frame: DecodedFrame;
  decision: GateDecision;
}

/**
 * Passes on only the frames the gate keeps. Read `gate.finish()` after the loop for the
 * duplicates that followed the last kept frame.
 */
export async function* gateFrames(
  frames: AsyncIterable<DecodedFrame>,
  gate: FrameGate = new FrameGate(),
): AsyncGenerator<GatedFrame> {
  for await (const frame of frames) {
    const decision = gate.push(frame);
    if (decision.keep) yield { frame, decision };
  }
}

/** "unchanged from 0:12 to 0:47 (35 frames)" for evidence text. */
export function describeUnchanged(run: UnchangedRun): string {
  return `unchanged from ${formatTime(run.fromSec)} to ${formatTime(run.toSec)} (${run.skipped} frames)`;
}
