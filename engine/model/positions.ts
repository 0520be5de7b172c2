// Where a run of tokens sits in RoPE position space. A 1-D RoPE family gives each token one
// position, the next token's being one more. A multimodal RoPE family (Qwen2-VL's M-RoPE)
// gives each token three (temporal, height, width): text tokens take the same value in all
// three, and an image's tokens share a start and spread over its grid, so a run can take
// fewer positions than it has tokens. A span's layout is stated relative to its start, so
// moving the span (eviction closing a gap, a retrieved block put back) only changes that
// start: every component moves by the same amount.

/** Position ids of a decoder step: one number per token, or [temporal, height, width] rows. */
export type PositionIds = readonly number[] | readonly [number[], number[], number[]];

/** A run of tokens' positions relative to its start, and how many positions it takes. */
export interface SpanLayout {
  /** Three rows (temporal, height, width) of one offset per token, row-major [3, tokens]. */
  offsets: Int32Array;
  tokens: number;
  /** Positions the run takes: the token after it starts this many positions later. */
  extent: number;
}

/** n positions from `start`, one per token. */
export function positionRange(start: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}

/** Tokens in a step's position ids. */
export function positionCount(ids: PositionIds): number {
  return isRows(ids) ? ids[0].length : ids.length;
}

function isRows(ids: PositionIds): ids is readonly [number[], number[], number[]] {
  return ids.length === 3 && Array.isArray(ids[0]);
}

/** The three rows of a step's positions; one number per token stands for all three. */
export function positionRows(ids: PositionIds): [number[], number[], number[]] {
  if (isRows(ids)) return [ids[0], ids[1], ids[2]];
  const row = [...(ids as readonly number[])];
  return [row, row, row];
}

/** True when every token's three components are equal (text, or 1-D RoPE). */
export function isOneDimensional(ids: PositionIds): boolean {
  if (!isRows(ids)) return true;
  return ids[0].every((p, j) => ids[1][j] === p && ids[2][j] === p);
}

/** The positions of a span laid out as `layout` from `start`. */
export function positionsAt(layout: SpanLayout, start: number): [number[], number[], number[]] {
  const n = layout.tokens;
  const row = (c: number) => Array.from({ length: n }, (_, j) => start + layout.offsets[c * n + j]);
  return [row(0), row(1), row(2)];
}

/** Positions a span takes: its layout's extent, or one per token without one. */
export function extentOf(span: { tokenCount: number; layout?: SpanLayout }): number {
  return span.layout?.extent ?? span.tokenCount;
}

/** A layout as JSON (saved blocks and streams). */
export interface LayoutJson {
  offsets: number[];
  extent: number;
}

export function layoutToJson(layout: SpanLayout): LayoutJson {
  return { offsets: [...layout.offsets], extent: layout.extent };
}

/** A saved layout, checked: three rows of `tokens` offsets inside its extent. */
export function layoutFromJson(json: LayoutJson, tokens: number): SpanLayout {
  const { offsets, extent } = json;
  const valid =
    Array.isArray(offsets) &&
    offsets.length === 3 * tokens &&
    Number.isInteger(extent) &&
    offsets.every((o) => Number.isInteger(o) && o >= 0 && o < extent);
  if (!valid) throw new Error(`a saved position layout does not fit its ${tokens} tokens`);
  return { offsets: Int32Array.from(offsets), tokens, extent };
}
