// Moving and unrotating one span's keys whatever the model's RoPE. A span without a layout
// takes one position per token (text, or any token of a 1-D RoPE model): rope.ts rotates
// it, and under M-RoPE that is exact too, since a text token's three components are equal.
// A span with a layout (an image's tokens under M-RoPE) is rotated per component from the
// positions its layout gives at its old start to those at its new one (mrope.ts); moving a
// whole span moves every component by the same amount, its spatial layout unchanged.
import type { RopeSettings } from '../model/contract';
import { positionsAt, type SpanLayout } from '../model/positions';
import { rerotateMrope, type MropeSettings, type Positions3 } from './mrope';
import { copyRotated, unrotateKeys } from './rope';

export interface SpanKeys {
  /** [heads, tokens, headDim]. */
  key: Float32Array;
  tokens: number;
  layout?: SpanLayout;
}

function mropeOf(rope: RopeSettings, headDim: number): MropeSettings | undefined {
  if (!rope.mropeSection) return undefined;
  if (rope.rotaryDim !== headDim)
    throw new Error('multimodal RoPE with a partial rotary dimension is not supported');
  return { theta: rope.theta, headDim, section: rope.mropeSection };
}

function at(layout: SpanLayout, start: number): Positions3 {
  return { ids: positionsAt(layout, start).flat(), length: layout.tokens };
}

/**
 * Copies a span's keys into `dst` ([heads, dstLength, headDim] from token `dstStart`),
 * moved from the span starting at position `from` to starting at `to`.
 */
export function copyMovedKeys(
  span: SpanKeys,
  dst: Float32Array,
  dstLength: number,
  dstStart: number,
  heads: number,
  headDim: number,
  rope: RopeSettings,
  from: number,
  to: number,
): void {
  const n = span.tokens;
  const mrope = span.layout && mropeOf(rope, headDim);
  if (!mrope || from === to) {
    copyRotated(span.key, n, 0, dst, dstLength, dstStart, n, heads, headDim, rope, from, to);
    return;
  }
  const moved = rerotateMrope(
    span.key,
    heads,
    n,
    mrope,
    at(span.layout!, from),
    at(span.layout!, to),
  );
  copyRotated(moved, n, 0, dst, dstLength, dstStart, n, heads, headDim, rope, null, null);
}

/** A span's keys computed with the span starting at `start`, with RoPE removed. */
export function unrotateSpanKeys(
  span: SpanKeys,
  heads: number,
  headDim: number,
  rope: RopeSettings,
  start: number,
): Float32Array {
  const mrope = span.layout && mropeOf(rope, headDim);
  if (!mrope) return unrotateKeys(span.key, heads, span.tokens, headDim, rope, start);
  return rerotateMrope(span.key, heads, span.tokens, mrope, at(span.layout!, start), null);
}
