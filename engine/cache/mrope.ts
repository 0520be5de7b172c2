// Re-positioning cached keys under multimodal RoPE (M-RoPE, Qwen2-VL).
//
// The layout is HF "rotate_half" as for 1-D RoPE (rope.ts): within a head of headDim, dim i
// pairs with dim i + headDim/2, for i in [0, headDim/2), and pair i turns by position *
// invFreq[i], invFreq[i] = 1 / theta^(2i / headDim). What M-RoPE changes is *which*
// position: config.json's rope_scaling.mrope_section [s_t, s_h, s_w] (Qwen2-VL: [16, 24,
// 24], summing to headDim/2 = 64) splits the pairs into three sections:
//
//   pairs [0, s_t)                 turn by the token's temporal position p_t
//   pairs [s_t, s_t + s_h)         turn by its height position p_h
//   pairs [s_t + s_h, headDim/2)   turn by its width position p_w
//
// (transformers' apply_multimodal_rotary_pos_emb splits cos/sin, which are cat(freqs,
// freqs), by mrope_section * 2 and takes chunk k from component k % 3: both halves of a
// pair get the same component.) The frequencies are not restarted per section: pair i
// keeps invFreq[i] whatever its section.
//
// Moving a cached token from (p_t, p_h, p_w) to (p_t + Δt, p_h + Δh, p_w + Δw) is therefore
// a rotation of pair i by Δ_{c(i)} * invFreq[i], where c(i) is pair i's section; no
// recomputation is needed, and pairs of a section whose Δ is 0 are left exactly as they are.
// Which Δ a move needs follows from how positions are assigned (positions.ts, as
// transformers' get_rope_index does):
//
// - Text tokens have p_t = p_h = p_w = p. Moving one by Δ is (Δ, Δ, Δ): every pair turns by
//   Δ * invFreq[i], which is exactly 1-D RoPE's re-rotation by Δ.
// - A vision item starting at s has tokens (s + ti, s + r, s + c). Moving the whole item
//   (eviction closing a gap, a retrieved block put back at another start) moves s, so it is
//   also (Δ, Δ, Δ) for every token: the same rotation as text, even though the three
//   components differ token by token. Its extent max(t, h/2, w/2) moves with it.
// - Re-indexing a temporal patch within one native video (patch k of a video at s becomes
//   patch k', the video's start unchanged) is (Δt, 0, 0), Δt = k' - k: only the s_t
//   temporal pairs turn; height and width pairs stay bit for bit. A 1-D re-rotation by Δt
//   would wrongly turn the height and width pairs too.
//
// So a stream that only ever moves whole items can rotate with one Δ per item, but the
// float32 rounding of angles (HF computes f32(f32(position) * invFreq), see rope.ts) depends
// on each token's actual component positions, so for agreement to ~1e-7 with keys the graph
// computes at the new positions the rotation uses from/to positions per component, here.
import type { RopeSettings } from '../model/contract';
import { inverseFrequencies } from './rope';

const f32 = Math.fround;

export interface MropeSettings {
  /** rope_theta. */
  theta: number;
  /** head_dim; all of it is rotated (Qwen2-VL has no partial rotary). */
  headDim: number;
  /** rope_scaling.mrope_section: pairs per component [temporal, height, width]. */
  section: readonly [number, number, number];
}

/** Positions of `length` tokens, [3, length] row-major (temporal, height, width rows). */
export interface Positions3 {
  ids: Int32Array | readonly number[];
  length: number;
}

/** Section index (0 temporal, 1 height, 2 width) of each rotary pair, checked against headDim. */
export function pairSections(settings: MropeSettings): Uint8Array {
  const half = settings.headDim / 2;
  if (!Number.isInteger(half) || half <= 0)
    throw new Error(`head_dim must be a positive even number, got ${settings.headDim}`);
  const s = settings.section;
  if (s.length !== 3 || s.some((v) => !Number.isInteger(v) || v < 0))
    throw new Error(`mrope_section must be three non-negative integers, got ${JSON.stringify(s)}`);
  if (s[0] + s[1] + s[2] !== half)
    throw new Error(
      `mrope_section ${JSON.stringify(s)} sums to ${s[0] + s[1] + s[2]}, expected head_dim / 2 = ${half}`,
    );
  const out = new Uint8Array(half);
  for (let i = 0; i < half; i++) out[i] = i < s[0] ? 0 : i < s[0] + s[1] ? 1 : 2;
  return out;
}

function invFreqs(settings: MropeSettings): Float64Array {
  const rope: RopeSettings = { theta: settings.theta, rotaryDim: settings.headDim };
  return inverseFrequencies(rope);
}

function angle(position: number, invFreq: number): number {
  return f32(f32(position) * invFreq);
}

function component(p: Positions3, c: number, j: number): number {
  return p.ids[c * p.length + j];
}

/**
 * Keys [heads, length, headDim] moved from positions `from` to positions `to` (each
 * [3, length]; null = not rotated, i.e. pre-RoPE vectors). Returns a new array.
 */
export function rerotateMrope(
  keys: Float32Array,
  heads: number,
  length: number,
  settings: MropeSettings,
  from: Positions3 | null,
  to: Positions3 | null,
): Float32Array {
  const headDim = settings.headDim;
  if (keys.length !== heads * length * headDim)
    throw new Error(`keys hold ${keys.length} values, expected ${heads} x ${length} x ${headDim}`);
  for (const p of [from, to])
    if (p && (p.length !== length || p.ids.length !== 3 * length))
      throw new Error(`positions for ${p.length} tokens (${p.ids.length} ids), expected ${length}`);
  const sections = pairSections(settings);
  const inv = invFreqs(settings);
  const half = inv.length;
  const cos = new Float64Array(length * half);
  const sin = new Float64Array(length * half);
  for (let j = 0; j < length; j++)
    for (let i = 0; i < half; i++) {
      const c = sections[i];
      const a = to ? angle(component(to, c, j), inv[i]) : 0;
      const b = from ? angle(component(from, c, j), inv[i]) : 0;
      cos[j * half + i] = Math.cos(a - b);
      sin[j * half + i] = Math.sin(a - b);
    }
  const out = new Float32Array(keys.length);
  for (let h = 0; h < heads; h++)
    for (let j = 0; j < length; j++) {
      const s = (h * length + j) * headDim;
      for (let i = 0; i < half; i++) {
        const x1 = keys[s + i];
        const x2 = keys[s + i + half];
        const k = j * half + i;
        if (sin[k] === 0 && cos[k] === 1) {
          // An unmoved section stays bit for bit.
          out[s + i] = x1;
          out[s + i + half] = x2;
          continue;
        }
        out[s + i] = x1 * cos[k] - x2 * sin[k];
        out[s + i + half] = x2 * cos[k] + x1 * sin[k];
      }
    }
  return out;
}

/** Applies M-RoPE at `positions` to pre-RoPE vectors [heads, length, headDim] (the reference). */
export function applyMrope(
  vectors: Float32Array,
  heads: number,
  length: number,
  settings: MropeSettings,
  positions: Positions3,
): Float32Array {
  return rerotateMrope(vectors, heads, length, settings, null, positions);
}

/** Removes M-RoPE from keys computed at `positions` (position-free vectors). */
export function unrotateMrope(
  keys: Float32Array,
  heads: number,
  length: number,
  settings: MropeSettings,
  positions: Positions3,
): Float32Array {
  return rerotateMrope(keys, heads, length, settings, positions, null);
}

/** Positions moved by [Δt, Δh, Δw] (a new object). */
export function shiftPositions(
  p: Positions3,
  delta: readonly [number, number, number],
): { ids: Int32Array; length: number } {
  const ids = new Int32Array(3 * p.length);
  for (let c = 0; c < 3; c++)
    for (let j = 0; j < p.length; j++) ids[c * p.length + j] = p.ids[c * p.length + j] + delta[c];
  return { ids, length: p.length };
}

/** Keys moved by [Δt, Δh, Δw] from the positions they were computed at. */
export function shiftMrope(
  keys: Float32Array,
  heads: number,
  length: number,
  settings: MropeSettings,
  from: Positions3,
  delta: readonly [number, number, number],
): Float32Array {
  return rerotateMrope(keys, heads, length, settings, from, shiftPositions(from, delta));
}

/** Reads rope settings from a Qwen2-VL config.json (text_config first, as newer exports nest it). */
export function mropeSettingsFromConfig(config: Record<string, unknown>): MropeSettings {
  const text = (config.text_config ?? config) as Record<string, unknown>;
  const pick = (key: string): unknown => text[key] ?? config[key];
  const theta = pick('rope_theta');
  const hidden = pick('hidden_size');
  const heads = pick('num_attention_heads');
  const scaling = pick('rope_scaling') as { mrope_section?: unknown } | undefined;
  if (typeof theta !== 'number' || !(theta > 0))
    throw new Error(`config.json: rope_theta is ${JSON.stringify(theta)}, expected a number > 0`);
  if (typeof hidden !== 'number' || typeof heads !== 'number' || hidden % heads !== 0)
    throw new Error('config.json: hidden_size must be a multiple of num_attention_heads');
  const section = scaling?.mrope_section;
  if (!Array.isArray(section) || section.length !== 3)
    throw new Error(
      `config.json: rope_scaling.mrope_section is ${JSON.stringify(section)}, expected three integers`,
    );
  const settings: MropeSettings = {
    theta,
    headDim: hidden / heads,
    section: [section[0], section[1], section[2]] as [number, number, number],
  };
  pairSections(settings);
  return settings;
}
