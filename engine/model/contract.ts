// The contract between the model runtime (engine/model) and its users: the streaming
// cache (engine/cache, engine/stream), the CLI and the server. Batch size is always 1.
// Tensors cross this boundary as flat typed arrays with their shape stated here.
import type { PositionIds } from './positions';

/** Rotary position embedding settings, read from config.json (text_config). */
export interface RopeSettings {
  /** rope_theta. */
  theta: number;
  /** Number of leading dims of head_dim that are rotated (head_dim unless partial_rotary_factor). */
  rotaryDim: number;
  /** rope_scaling from config.json, when present (e.g. { rope_type: 'linear', factor: 2 }). */
  scaling?: { type: string; factor: number };
  /**
   * Multimodal RoPE (Qwen2-VL's rope_scaling.mrope_section): rotary pairs per position
   * component [temporal, height, width]. Absent for 1-D RoPE.
   */
  mropeSection?: readonly [number, number, number];
}

/** What the cache needs to know about the language model. */
export interface TextModelSpec {
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  hiddenSize: number;
  vocabSize: number;
  /** max_position_embeddings: the context may never use positions at or beyond this. */
  maxPositions: number;
  rope: RopeSettings;
}

/**
 * The KV of one layer for a run of tokens. Shape [numKvHeads, length, headDim], row-major,
 * keys already rotated at their positions (as the HF decoder's present.* outputs are).
 */
export interface LayerKv {
  key: Float32Array;
  value: Float32Array;
}

/** A KV cache: one LayerKv per layer, all of the same length. */
export interface KvCache {
  layers: LayerKv[];
  length: number;
}

export interface DecoderStep {
  /** [n, hiddenSize]: embeddings of the new tokens (image features already spliced in). */
  inputsEmbeds: Float32Array;
  /**
   * One position per new token, or for a multimodal-RoPE model [temporal, height, width]
   * rows (positions.ts); one number per token stands for all three components.
   */
  positionIds: PositionIds;
  /** The cache the new tokens attend to (length p). */
  past: KvCache;
  /** Ask for the pre-RoPE query vectors of the new tokens (for retrieval scoring). */
  withQueries?: boolean;
  /** Only the logits of the last token are needed (prefill of a long prompt). */
  lastLogitsOnly?: boolean;
}

export interface DecoderOutput {
  /** [n or 1, vocabSize]. */
  logits: Float32Array;
  /** The cache after the step: past followed by the n new tokens (length p + n). */
  present: KvCache;
  /** When asked for: one per layer, [numHeads, n, headDim], before RoPE. */
  queries?: Float32Array[];
  /** Milliseconds spent inside onnxruntime for this step. */
  runMs: number;
}
