// Does the cache's re-positioning maths fit this model? The engine moves cached keys to new
// positions by rotating them (engine/cache/rope.ts: rotate-half pairs, config.json's
// rope_theta and scaling). A model with interleaved pairs, an unlisted scaling or
// multi-axis RoPE (M-RoPE) would silently get wrong keys. So at load a few tokens are
// encoded at positions p.. and p+Δ.., the first set's keys are rotated by Δ, and the two
// are compared, layer by layer.
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

/** The worst layer's max |rotated - recomputed| / max |recomputed|. */
function relativeError(rotated: Float32Array[], recomputed: Float32Array[]): number {
  let worst = 0;
  rotated.forEach((keys, layer) => {
    let diff = 0;
    let size = 0;
    for (let i = 0; i < keys.length; i++) {
      diff = Math.max(diff, Math.abs(keys[i] - recomputed[layer][i]));
      size = Math.max(size, Math.abs(recomputed[layer][i]));
    }
    worst = Math.max(worst, size === 0 ? 0 : diff / size);
  });
  return worst;
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
  const error = relativeError(rotated, after);
  if (error <= TOLERANCE) return { ok: true, relativeError: error };
  return {
    ok: false,
    relativeError: error,
    reason: `keys encoded ${delta} positions later differ from the cached keys rotated by ${delta} (relative error ${error.toFixed(3)}, tolerance ${TOLERANCE}); the model's RoPE is not the rotate-half RoPE with rope_theta ${spec.rope.theta}${spec.rope.scaling ? ` and ${spec.rope.scaling.type} scaling` : ''} that config.json describes (interleaved pairs, another scaling, or multi-axis RoPE)`,
  };
}

/** The one warning a model whose keys cannot be re-positioned gives. */
export function repositioningWarning(reason: string): string {
  return `cached keys cannot be moved to new positions for this model: ${reason}; re-positioning is off, so retrieved and shifted frames are prefilled again from their embeddings (slower, same answers)`;
}
