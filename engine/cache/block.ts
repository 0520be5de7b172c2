// A block is one frame's tokens (its text scaffolding such as "Frame at 0:12:" plus its
// image tokens): per layer K and V, the frame's time and index, and per-layer
// representative vectors used to retrieve it later.
import type { KvCache, LayerKv, TextModelSpec } from '../model/contract';
import { extentOf, type SpanLayout } from '../model/positions';
import { copyMovedKeys, unrotateSpanKeys } from './span-keys';

export interface BlockMeta {
  id: number;
  frameIndex: number;
  timeSec: number;
  tokenCount: number;
  /** Keys are stored rotated at positions keyPosition .. keyPosition + tokenCount - 1 (or as `layout` lays them out from keyPosition). */
  keyPosition: number;
  /** Where its tokens sit from keyPosition when not one position each (an image under M-RoPE). */
  layout?: SpanLayout;
  /** Per layer: the mean pre-RoPE key per KV head, [numKvHeads * headDim] (position-free). */
  representatives: Float32Array[];
  /** On-screen text attached by the text-evidence hook, when known. */
  text?: string;
  /** The frame stayed on screen unchanged until this time (later frames the gate skipped). */
  untilSec?: number;
}

export interface KvBlock extends BlockMeta {
  /** Per layer, [numKvHeads, tokenCount, headDim]. */
  kv: LayerKv[];
}

/** A run of cached tokens that goes into a context: the sink or a block. */
export interface KvSpan {
  kv: LayerKv[];
  tokenCount: number;
  keyPosition: number;
  layout?: SpanLayout;
}

/** A cache with the positions it takes: the next token goes at `extent` (cache.length unless images take fewer positions than tokens, M-RoPE). */
export interface PositionedCache {
  cache: KvCache;
  extent: number;
}

/** Positions a run of spans takes when placed one after another. */
export function spansExtent(spans: readonly { tokenCount: number; layout?: SpanLayout }[]): number {
  return spans.reduce((n, s) => n + extentOf(s), 0);
}

export function emptyCache(spec: TextModelSpec): KvCache {
  return {
    length: 0,
    layers: Array.from({ length: spec.numLayers }, () => ({
      key: new Float32Array(0),
      value: new Float32Array(0),
    })),
  };
}

/** Copies tokens [start, start + length) of a cache out as their own per-layer arrays. */
export function sliceCache(
  cache: KvCache,
  start: number,
  length: number,
  spec: TextModelSpec,
): LayerKv[] {
  const { numKvHeads: heads, headDim } = spec;
  if (start < 0 || start + length > cache.length)
    throw new Error(
      `sliceCache: tokens ${start}..${start + length} outside cache of ${cache.length}`,
    );
  return cache.layers.map((layer) => {
    const key = new Float32Array(heads * length * headDim);
    const value = new Float32Array(heads * length * headDim);
    for (let h = 0; h < heads; h++) {
      const from = (h * cache.length + start) * headDim;
      key.set(layer.key.subarray(from, from + length * headDim), h * length * headDim);
      value.set(layer.value.subarray(from, from + length * headDim), h * length * headDim);
    }
    return { key, value };
  });
}

/**
 * Tokens [start, start + n) of a decoder's present cache as a block of their own, with its
 * retrieval representatives. keyPosition: where those keys were rotated (default start);
 * layout: their positions from there when not one per token.
 */
export function blockFromCache(
  cache: KvCache,
  start: number,
  n: number,
  ids: Pick<BlockMeta, 'id' | 'frameIndex' | 'timeSec'>,
  spec: TextModelSpec,
  keyPosition = start,
  layout?: SpanLayout,
): KvBlock {
  const kv = sliceCache(cache, start, n, spec);
  return {
    ...ids,
    tokenCount: n,
    keyPosition,
    ...(layout ? { layout } : {}),
    kv,
    representatives: representativeKeys(kv, n, keyPosition, spec, layout),
  };
}

/**
 * Builds one contiguous cache from spans, placed one after another from position 0 in the
 * given order (each starts where the previous one's extent ends); each span's keys are
 * re-rotated from where they were computed to where they now sit.
 */
export function assembleCache(spans: KvSpan[], spec: TextModelSpec): KvCache {
  const { numKvHeads: heads, headDim, numLayers } = spec;
  const length = spans.reduce((n, s) => n + s.tokenCount, 0);
  const layers: LayerKv[] = [];
  for (let l = 0; l < numLayers; l++) {
    const key = new Float32Array(heads * length * headDim);
    const value = new Float32Array(heads * length * headDim);
    let at = 0;
    let position = 0;
    for (const span of spans) {
      const src = span.kv[l];
      const n = span.tokenCount;
      const keys = { key: src.key, tokens: n, layout: span.layout };
      copyMovedKeys(keys, key, length, at, heads, headDim, spec.rope, span.keyPosition, position);
      for (let h = 0; h < heads; h++)
        value.set(
          src.value.subarray(h * n * headDim, (h + 1) * n * headDim),
          (h * length + at) * headDim,
        );
      at += n;
      position += extentOf(span);
    }
    layers.push({ key, value });
  }
  return { layers, length };
}

/** Per layer, the mean pre-RoPE key of each KV head: the block's retrieval representative. */
export function representativeKeys(
  kv: LayerKv[],
  tokenCount: number,
  keyPosition: number,
  spec: TextModelSpec,
  layout?: SpanLayout,
): Float32Array[] {
  const { numKvHeads: heads, headDim } = spec;
  return kv.map((layer) => {
    const span = { key: layer.key, tokens: tokenCount, layout };
    const raw = unrotateSpanKeys(span, heads, headDim, spec.rope, keyPosition);
    return meanOverTokens(raw, heads, tokenCount, headDim);
  });
}

/** [heads, length, dim] -> [heads * dim], the mean over tokens per head. */
export function meanOverTokens(
  x: Float32Array,
  heads: number,
  length: number,
  dim: number,
): Float32Array {
  const out = new Float32Array(heads * dim);
  if (length === 0) return out;
  for (let h = 0; h < heads; h++)
    for (let t = 0; t < length; t++) {
      const base = (h * length + t) * dim;
      for (let d = 0; d < dim; d++) out[h * dim + d] += x[base + d] / length;
    }
  return out;
}

export function layerKvBytes(kv: LayerKv[]): number {
  return kv.reduce((n, l) => n + l.key.byteLength + l.value.byteLength, 0);
}

export function representativeBytes(meta: BlockMeta): number {
  return meta.representatives.reduce((n, r) => n + r.byteLength, 0);
}

/** "m:ss" or "h:mm:ss", the form used in frame markers and evidence. */
export { formatTime } from '../util/time-format';
