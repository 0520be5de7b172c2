// Synthetic KV blocks for cache tests: deterministic values in the contract's layout.
import type { KvBlock } from '../../../engine/cache/block';
import { representativeKeys } from '../../../engine/cache/block';
import type { TextModelSpec } from '../../../engine/model/contract';

export const tinySpec: TextModelSpec = {
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 16,
  hiddenSize: 64,
  vocabSize: 128,
  maxPositions: 4096,
  rope: { theta: 10000, rotaryDim: 16 },
};

export function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 2 - 1;
  };
}

export function syntheticBlock(id: number, tokens = 8, spec = tinySpec, seed = id + 1): KvBlock {
  const rnd = random(seed * 7919);
  const size = spec.numKvHeads * tokens * spec.headDim;
  const kv = Array.from({ length: spec.numLayers }, () => ({
    key: Float32Array.from({ length: size }, rnd),
    value: Float32Array.from({ length: size }, rnd),
  }));
  return {
    id,
    frameIndex: id,
    timeSec: id,
    tokenCount: tokens,
    keyPosition: 100,
    kv,
    representatives: representativeKeys(kv, tokens, 100, spec),
  };
}
