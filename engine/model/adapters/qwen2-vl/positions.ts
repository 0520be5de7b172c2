// Qwen2-VL position ids (M-RoPE): every token has three positions, temporal, height and
// width, fed to the decoder as `position_ids` [3, batch, seq]. The rules follow
// transformers' Qwen2VLForConditionalGeneration.get_rope_index (Qwen2-VL, not 2.5: the
// temporal index is the temporal patch number, not scaled by seconds):
//
// - A text token takes the same value p in all three components, and the next token p + 1.
// - A vision item (image or video) with image_grid_thw [t, h, w] in patches emits
//   t * (h / 2) * (w / 2) tokens (the 2x2 merge), in order temporal patch, row, column.
//   Token (ti, r, c) gets (s + ti, s + r, s + c), where s is the position the next text
//   token would have had: all three components are offset by the same start.
// - The token after a vision item continues from max(all positions so far) + 1, so an item
//   uses max(t, h/2, w/2) positions, not t * h/2 * w/2 (a 1 x 4 x 6 merged grid uses 6).
// - For a sequence of n tokens whose largest position is m, ropeDelta = m + 1 - n; decoding
//   after the prompt puts generated token k (0-based) at n + k + ropeDelta in all three.
//
// Images carry t = 1: the processor repeats the frame to fill the temporal patch of 2.
// A video of 2k frames carries t = k; temporal patch ti covers frames 2ti and 2ti + 1.

/** image_grid_thw / video_grid_thw of one item, in patches of patch_size (before the merge). */
export interface GridThw {
  t: number;
  h: number;
  w: number;
}

/** Positions of a run of tokens: three rows (temporal, height, width) of `length` each. */
export interface MropePositions {
  /** [3, length] row-major: t[0..length), then h[0..length), then w[0..length). */
  ids: Int32Array;
  length: number;
}

/** The token ids get_rope_index looks for (config.json of Qwen2-VL-2B: 151655, 151656, 151652). */
export interface VisionTokenIds {
  imageTokenId: number;
  videoTokenId: number;
  visionStartTokenId: number;
}

export const DEFAULT_MERGE_SIZE = 2;

/** The merged grid the language model sees: [t, h / merge, w / merge], checked. */
export function mergedGrid(grid: GridThw, mergeSize = DEFAULT_MERGE_SIZE): GridThw {
  for (const key of ['t', 'h', 'w'] as const)
    if (!Number.isInteger(grid[key]) || grid[key] <= 0)
      throw new Error(`grid_thw.${key} is ${grid[key]}, expected a positive integer`);
  if (grid.h % mergeSize !== 0 || grid.w % mergeSize !== 0)
    throw new Error(
      `grid_thw ${grid.t}x${grid.h}x${grid.w}: h and w must be multiples of the merge size ${mergeSize}`,
    );
  return { t: grid.t, h: grid.h / mergeSize, w: grid.w / mergeSize };
}

/** Tokens a vision item takes in the prompt: t * h * w / merge². */
export function visionTokenCount(grid: GridThw, mergeSize = DEFAULT_MERGE_SIZE): number {
  const m = mergedGrid(grid, mergeSize);
  return m.t * m.h * m.w;
}

/** Positions a vision item uses: the next token starts this far after the item's start. */
export function visionExtent(grid: GridThw, mergeSize = DEFAULT_MERGE_SIZE): number {
  const m = mergedGrid(grid, mergeSize);
  return Math.max(m.t, m.h, m.w);
}

/** `count` text tokens starting at `start`: the same value in all three rows. */
export function textPositions(start: number, count: number): MropePositions {
  const ids = new Int32Array(3 * count);
  for (let i = 0; i < count; i++) ids[i] = ids[count + i] = ids[2 * count + i] = start + i;
  return { ids, length: count };
}

/**
 * The tokens of one vision item starting at `start`. `temporalOffset` places a slice of a
 * longer video: temporal patch k of a video that started at `start` is
 * visionPositions(start, {t: 1, h, w}, merge, k), equal to that slice of the whole video.
 */
export function visionPositions(
  start: number,
  grid: GridThw,
  mergeSize = DEFAULT_MERGE_SIZE,
  temporalOffset = 0,
): MropePositions {
  const m = mergedGrid(grid, mergeSize);
  const n = m.t * m.h * m.w;
  const ids = new Int32Array(3 * n);
  let j = 0;
  for (let ti = 0; ti < m.t; ti++)
    for (let r = 0; r < m.h; r++)
      for (let c = 0; c < m.w; c++, j++) {
        ids[j] = start + temporalOffset + ti;
        ids[n + j] = start + r;
        ids[2 * n + j] = start + c;
      }
  return { ids, length: n };
}

/** Joins runs of positions in order. */
export function concatPositions(parts: readonly MropePositions[]): MropePositions {
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  const ids = new Int32Array(3 * length);
  let at = 0;
  for (const p of parts) {
    for (let row = 0; row < 3; row++)
      ids.set(p.ids.subarray(row * p.length, (row + 1) * p.length), row * length + at);
    at += p.length;
  }
  return { ids, length };
}

/** Largest position in any row (-1 for no tokens). */
export function maxPosition(p: MropePositions): number {
  let m = -1;
  for (const v of p.ids) if (v > m) m = v;
  return m;
}

/** The three positions of token j. */
export function positionAt(p: MropePositions, j: number): [number, number, number] {
  return [p.ids[j], p.ids[p.length + j], p.ids[2 * p.length + j]];
}

/** `position_ids` data for one sequence: int64 [3, 1, length] (the decoder's layout). */
export function toPositionIdsData(p: MropePositions): BigInt64Array {
  return BigInt64Array.from(p.ids, (v) => BigInt(v));
}

/**
 * Positions for a whole prompt, as get_rope_index computes them for one unpadded sequence.
 * Each `<|vision_start|>` followed by an image (video) pad token opens the next entry of
 * `imageGrids` (`videoGrids`); its pad tokens must number visionTokenCount(grid).
 */
export function ropeIndex(
  inputIds: readonly number[],
  tokens: VisionTokenIds,
  imageGrids: readonly GridThw[] = [],
  videoGrids: readonly GridThw[] = [],
  mergeSize = DEFAULT_MERGE_SIZE,
): { positions: MropePositions; ropeDelta: number } {
  const parts: MropePositions[] = [];
  let next = 0;
  let st = 0;
  let image = 0;
  let video = 0;
  const pushText = (count: number) => {
    if (count <= 0) return;
    parts.push(textPositions(next, count));
    next += count;
  };
  for (let i = 0; i < inputIds.length - 1; i++) {
    if (inputIds[i] !== tokens.visionStartTokenId) continue;
    const pad = inputIds[i + 1];
    let grid: GridThw;
    if (pad === tokens.imageTokenId) {
      if (image >= imageGrids.length)
        throw new Error(`the prompt has more images than the ${imageGrids.length} grids given`);
      grid = imageGrids[image++];
    } else if (pad === tokens.videoTokenId) {
      if (video >= videoGrids.length)
        throw new Error(`the prompt has more videos than the ${videoGrids.length} grids given`);
      grid = videoGrids[video++];
    } else continue;
    const count = visionTokenCount(grid, mergeSize);
    let run = 0;
    while (i + 1 + run < inputIds.length && inputIds[i + 1 + run] === pad) run++;
    if (run !== count)
      throw new Error(
        `a vision item of grid ${grid.t}x${grid.h}x${grid.w} needs ${count} pad tokens, the prompt has ${run}`,
      );
    pushText(i + 1 - st); // text up to and including <|vision_start|>
    parts.push(visionPositions(next, grid, mergeSize));
    next += visionExtent(grid, mergeSize);
    st = i + 1 + count;
    i = st - 1;
  }
  if (image !== imageGrids.length || video !== videoGrids.length)
    throw new Error(
      `grids given for ${imageGrids.length} images and ${videoGrids.length} videos, the prompt has ${image} and ${video}`,
    );
  pushText(inputIds.length - st);
  const positions = concatPositions(parts);
  return { positions, ropeDelta: maxPosition(positions) + 1 - positions.length };
}

/**
 * Hands out positions as a stream appends tokens: text, images, and the temporal patches
 * of a video one at a time. `next` is always max(positions so far) + 1, as in get_rope_index.
 */
export class MropeCursor {
  private video: { start: number; grid: GridThw; patches: number } | null = null;

  constructor(
    public next = 0,
    private readonly mergeSize = DEFAULT_MERGE_SIZE,
  ) {}

  text(count: number): MropePositions {
    this.closeVideo();
    const p = textPositions(this.next, count);
    this.next += count;
    return p;
  }

  /** A whole vision item (an image, or a video given at once). */
  vision(grid: GridThw): MropePositions {
    this.closeVideo();
    const p = visionPositions(this.next, grid, this.mergeSize);
    this.next += visionExtent(grid, this.mergeSize);
    return p;
  }

  /**
   * One temporal patch (two frames) of a video whose tokens are appended as they arrive,
   * with no text between them: the positions equal those of the whole video given at once.
   * `h` and `w` must stay the same for the whole video.
   */
  videoPatch(h: number, w: number): MropePositions {
    const grid = { t: 1, h, w };
    if (this.video && (this.video.grid.h !== h || this.video.grid.w !== w))
      throw new Error(
        `a video's patches must share one grid: ${this.video.grid.h}x${this.video.grid.w}, then ${h}x${w}`,
      );
    this.video ??= { start: this.next, grid, patches: 0 };
    const { start, patches } = this.video;
    const p = visionPositions(start, grid, this.mergeSize, patches);
    this.video.patches++;
    this.next = start + visionExtent({ t: this.video.patches, h, w }, this.mergeSize);
    return p;
  }

  /** Ends the current video; the next videoPatch starts a new one. */
  closeVideo(): void {
    this.video = null;
  }
}
