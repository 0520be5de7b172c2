// Does the cache's re-positioning maths fit this model? The engine moves cached keys to new
// positions by rotating them (engine/cache/rope.ts: rotate-half pairs, config.json's
// rope_theta and scaling). A model with interleaved pairs, an unlisted scaling or
// multi-axis RoPE (M-RoPE) would silently get wrong keys. So at load a few tokens are
// encoded at positions p.. and p+Δ.., the first set's keys are rotated by Δ, and the two
// are compared, layer by layer. A multimodal-RoPE model (Qwen2-VL) is also moved along one
// position component at a time, from positions whose three components differ, so each
// section of rotary pairs is checked against the component mrope_section gives it.
//
// The first layer's keys come straight from the token embeddings, so they must match to
// rounding. Deeper layers carry the arithmetic noise of the layers before them: with
// quantized weights (MatMulInteger's per-tensor activation scales) keys recomputed 997
// positions later differ by a few percent whatever the rotation. There the rotation must
// explain the move: its error must be a small share of the error of not rotating at all.
// A wrong rotation (interleaved pairs, another theta) or a layer without RoPE fails both.
import { rerotateMrope, shiftPositions } from '../cache/mrope';
import { rerotateKeys } from '../cache/rope';
import type { DecoderOutput, DecoderStep, KvCache, TextModelSpec } from './contract';
import { positionRange } from './positions';

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
/** Height and width positions of the M-RoPE probe step this far: slow pairs must turn visibly. */
const GRID_STEP = 37;

function emptyCache(numLayers: number): KvCache {
  const empty = () => new Float32Array(0);
  return {
    layers: Array.from({ length: numLayers }, () => ({ key: empty(), value: empty() })),
    length: 0,
  };
}

/** Positions of the probe tokens: [3, n] row-major (temporal, height, width). */
type Rows = Int32Array;

async function keysAt(model: CheckModel, embeds: Float32Array, rows: Rows, n: number) {
  const row = (c: number) => [...rows.subarray(c * n, (c + 1) * n)];
  const out = await model.decode({
    inputsEmbeds: embeds,
    positionIds: model.spec.rope.mropeSection ? [row(0), row(1), row(2)] : row(0),
    past: emptyCache(model.spec.numLayers),
    lastLogitsOnly: true,
  });
  return out.present.layers.map((layer) => layer.key);
}

/** n tokens from `start`, the same position in each component. */
function sameRows(start: number, n: number): Rows {
  const row = positionRange(start, n);
  return Int32Array.from([...row, ...row, ...row]);
}

/** n tokens laid out like an image: height and width spread `step` apart, so components differ. */
function gridRows(start: number, n: number, step: number): Rows {
  const rows = new Int32Array(3 * n);
  for (let j = 0; j < n; j++) {
    rows[j] = start;
    rows[n + j] = start + step * Math.floor(j / 3);
    rows[2 * n + j] = start + step * (j % 3);
  }
  return rows;
}

type Move = { name: string; from: Rows; delta: [number, number, number] };

/** The moves to check: all components together; for M-RoPE also each component alone. */
function movesFor(spec: TextModelSpec, start: number, n: number, delta: number): Move[] {
  const together: Move = { name: '', from: sameRows(start, n), delta: [delta, delta, delta] };
  if (!spec.rope.mropeSection) return [together];
  const grid = gridRows(start, n, GRID_STEP);
  const alone = (c: number, name: string): Move => {
    const d: [number, number, number] = [0, 0, 0];
    d[c] = delta;
    return { name: ` along the ${name} component`, from: grid, delta: d };
  };
  return [together, alone(0, 'temporal'), alone(1, 'height'), alone(2, 'width')];
}

/** The keys of `before` moved by `move` as the cache would move them. */
function rotate(spec: TextModelSpec, keys: Float32Array, move: Move, n: number): Float32Array {
  const { numKvHeads: heads, headDim, rope } = spec;
  if (!rope.mropeSection) {
    const from = move.from[0];
    return rerotateKeys(keys, heads, n, headDim, rope, from, from + move.delta[0]);
  }
  const settings = { theta: rope.theta, headDim, section: rope.mropeSection };
  const from = { ids: move.from, length: n };
  return rerotateMrope(keys, heads, n, settings, from, shiftPositions(from, move.delta));
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
  const spread = spec.rope.mropeSection ? 2 * GRID_STEP : 0;
  const delta = Math.min(997, Math.floor(spec.maxPositions / 2) - start - spread - n);
  const embeds = await model.embedTokens(ids);
  let worst = 0;
  for (const move of movesFor(spec, start, n, delta)) {
    const before = await keysAt(model, embeds, move.from, n);
    const to = shiftPositions({ ids: move.from, length: n }, move.delta).ids;
    const after = await keysAt(model, embeds, to, n);
    let rotated: Float32Array[];
    try {
      rotated = before.map((keys) => rotate(spec, keys, move, n));
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
    const { worst: error, ok } = compareLayers(before, rotated, after);
    worst = Math.max(worst, error);
    if (!ok) return { ok: false, relativeError: error, reason: mismatch(spec, delta, move, error) };
  }
  return { ok: true, relativeError: worst };
}

function mismatch(spec: TextModelSpec, delta: number, move: Move, error: number): string {
  const rope = spec.rope;
  const kind = rope.mropeSection
    ? `multimodal RoPE with mrope_section ${JSON.stringify(rope.mropeSection)} and rope_theta ${rope.theta}`
    : `the rotate-half RoPE with rope_theta ${rope.theta}${rope.scaling ? ` and ${rope.scaling.type} scaling` : ''}`;
  return `keys encoded ${delta} positions later${move.name} differ from the cached keys rotated by ${delta} (relative error ${error.toFixed(3)}; allowed: ${TOLERANCE} in the first layer, ${EXPLAINED_SHARE} of the unrotated error in deeper ones); the model's RoPE is not ${kind} that config.json describes (interleaved pairs, another scaling, or multi-axis RoPE)`;
}

/** The one warning a model whose keys cannot be re-positioned gives. */
export function repositioningWarning(reason: string): string {
  return `cached keys cannot be moved to new positions for this model: ${reason}; re-positioning is off, so retrieved and shifted frames are prefilled again from their embeddings (slower, same answers)`;
}
