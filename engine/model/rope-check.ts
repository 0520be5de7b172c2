// Does the cache's re-positioning maths fit this model? The engine moves cached keys to new
// positions by rotating them (engine/cache/rope.ts: rotate-half pairs, config.json's
// rope_theta and scaling). A model with interleaved pairs, an unlisted scaling or
// multi-axis RoPE (M-RoPE) would silently get wrong keys. So at load a few tokens are
// encoded at positions p.. and p+Δ.., the first set's keys are rotated by Δ, and the two
// are compared, layer by layer.
//
// The first layer's keys come straight from the token embeddings, so they must match to
// rounding. Deeper layers carry the arithmetic noise of the layers before them: with
// quantized weights (MatMulInteger's per-tensor activation scales) keys recomputed 997
// positions later differ by a few percent whatever the rotation. There the rotation must
// explain the move: its error must be a small share of the error of not rotating at all.
// A wrong rotation (interleaved pairs, another theta) or a layer without RoPE fails both.
import { rerotateKeys } from '../cache/rope';
import type { DecoderOutput, DecoderStep, KvCache, TextModelSpec } from './contract';

export interface RepositioningCheck {
  ok: boolean;
  /** Why re-positioning is off, when it is. */
  reason?: string;
  /** Largest difference between rotated and recomputed keys, relative to the keys' size. */
  relativeError?: number;
}

interface CheckModel {
  readonly spec: TextModelSpec;
  embedTokens(ids: readonly number[]): Promise<Float32Array>;
  decode(step: DecoderStep): Promise<DecoderOutput>;
}

/** Float16 I/O rounds keys to ~1e-3; a wrong rotation is off by the keys' own size. */
const TOLERANCE = 2e-2;
/** A deeper layer passes when rotating leaves at most this share of the unrotated error. */
const EXPLAINED_SHARE = 0.2;
const TOKENS = [5, 17, 42, 99, 123, 7];

function emptyCache(numLayers: number): KvCache {
  const empty = () => new Float32Array(0);
  return {
    layers: Array.from({ length: numLayers }, () => ({ key: empty(), value: empty() })),
    length: 0,
  };
}

async function keysAt(model: CheckModel, embeds: Float32Array, start: number, n: number) {
  const out = await model.decode({
    inputsEmbeds: embeds,
    positionIds: Array.from({ length: n }, (_, i) => start + i),
    past: emptyCache(model.spec.numLayers),
    lastLogitsOnly: true,
  });
  return out.present.layers.map((layer) => layer.key);
}

/** max |a - b| / max |b|: one layer's error, relative to the keys' size. */
function layerError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let size = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    size = Math.max(size, Math.abs(b[i]));
  }
  return size === 0 ? 0 : diff / size;
}

/**
 * The worst layer's error of the rotated keys, and whether every layer passes: the first
 * within TOLERANCE, each deeper one within TOLERANCE or EXPLAINED_SHARE of its unrotated error.
 */
function compareLayers(
  before: Float32Array[],
  rotated: Float32Array[],
  after: Float32Array[],
): { worst: number; ok: boolean } {
  let worst = 0;
  let ok = true;
  rotated.forEach((keys, layer) => {
    const error = layerError(keys, after[layer]);
    worst = Math.max(worst, error);
    const allowed =
      layer === 0
        ? TOLERANCE
        : Math.max(TOLERANCE, EXPLAINED_SHARE * layerError(before[layer], after[layer]));
    if (error > allowed) ok = false;
  });
  return { worst, ok };
}

/** Encodes a few tokens twice, Δ positions apart, and checks that rotation maps one onto the other. */
export async function checkRepositioning(model: CheckModel): Promise<RepositioningCheck> {
  const { spec } = model;
  const ids = TOKENS.map((id) => id % spec.vocabSize);
  const n = ids.length;
  const start = 3;
  const delta = Math.min(997, Math.floor(spec.maxPositions / 2) - start - n);
  const embeds = await model.embedTokens(ids);
  const before = await keysAt(model, embeds, start, n);
  const after = await keysAt(model, embeds, start + delta, n);
  let rotated: Float32Array[];
  try {
    rotated = before.map((keys) =>
      rerotateKeys(keys, spec.numKvHeads, n, spec.headDim, spec.rope, start, start + delta),
    );
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const { worst: error, ok } = compareLayers(before, rotated, after);
  if (ok) return { ok: true, relativeError: error };
  return {
    ok: false,
    relativeError: error,
    reason: `keys encoded ${delta} positions later differ from the cached keys rotated by ${delta} (relative error ${error.toFixed(3)}; allowed: ${TOLERANCE} in the first layer, ${EXPLAINED_SHARE} of the unrotated error in deeper ones); the model's RoPE is not the rotate-half RoPE with rope_theta ${spec.rope.theta}${spec.rope.scaling ? ` and ${spec.rope.scaling.type} scaling` : ''} that config.json describes (interleaved pairs, another scaling, or multi-axis RoPE)`,
  };
}

/** The one warning a model whose keys cannot be re-positioned gives. */
export function repositioningWarning(reason: string): string {
  return `cached keys cannot be moved to new positions for this model: ${reason}; re-positioning is off, so retrieved and shifted frames are prefilled again from their embeddings (slower, same answers)`;
}
