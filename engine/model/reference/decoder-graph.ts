// decoder_model_merged.onnx: a Llama-style decoder with the inputs and outputs of Optimum /
// transformers.js exports.
//   inputs:  inputs_embeds [batch_size, sequence_length, hidden] float32
//            attention_mask [batch_size, total_sequence_length] int64 (1 = attend)
//            position_ids [batch_size, sequence_length] int64
//            past_key_values.{i}.key|value [batch_size, kv_heads, past_sequence_length, head_dim]
//   outputs: logits [batch_size, sequence_length, vocab]
//            present.{i}.key|value [batch_size, kv_heads, total_sequence_length, head_dim]
// RoPE (rotate-half convention, as transformers' Llama) is computed from position_ids, and
// keys are rotated before they are concatenated to the past: present keys come out already
// rotated at their positions. The causal mask is by index in the total sequence
// (past + new), combined with attention_mask; positions only affect RoPE.
import { GraphBuilder } from '../onnx/graph-builder';
import { TensorDataType } from '../onnx/schema';
import type { TensorStore } from '../onnx/tensor-store';
import { FLOAT32_MIN, linear, rmsNorm, silu } from './layers';
import type { ReferencePreset, TextShape } from './presets';
import { linearFill } from './weights';

const FLOAT = TensorDataType.FLOAT;
const INT64 = TensorDataType.INT64;

export interface Rope {
  cos: string;
  sin: string;
}

/** cos/sin of position * inv_freq, [batch, 1, seq, head_dim], shared by all layers. */
function ropeTables(g: GraphBuilder, text: TextShape, positionIds: string): Rope {
  const scope = '/model/rotary_emb';
  const half = text.headDim / 2;
  const invFreq = Array.from(
    { length: half },
    (_, i) => 1 / text.ropeTheta ** ((2 * i) / text.headDim),
  );
  const inv = g.floatConstant('model.rotary_emb.inv_freq', [1, 1, half], invFreq);
  const positions = g.op(scope, 'Cast', [positionIds], { attrs: { to: FLOAT } });
  const column = g.op(scope, 'Unsqueeze', [positions, g.int64([2])]);
  const freqs = g.op(scope, 'Mul', [column, inv]);
  const emb = g.op(scope, 'Concat', [freqs, freqs], { attrs: { axis: -1 } });
  const cos = g.op(scope, 'Cos', [emb]);
  const sin = g.op(scope, 'Sin', [emb]);
  return {
    cos: g.op(scope, 'Unsqueeze', [cos, g.int64([1])]),
    sin: g.op(scope, 'Unsqueeze', [sin, g.int64([1])]),
  };
}

/**
 * Which dims RoPE pairs: 'half' (transformers' Llama: i with i + head_dim/2) or
 * 'interleaved' (GPT-J / Meta's original Llama: 2i with 2i + 1). The engine re-rotates
 * keys assuming 'half'; the interleaved variant exists to prove the load-time check
 * catches a model whose rotary layout differs.
 */
export type RopeLayout = 'half' | 'interleaved';

/** Interleaved RoPE is rotate-half RoPE on dims permuted evens-then-odds, permuted back. */
function applyInterleavedRope(
  g: GraphBuilder,
  scope: string,
  x: string,
  rope: Rope,
  headDim: number,
): string {
  const half = headDim / 2;
  const order = Array.from({ length: headDim }, (_, i) => (i < half ? 2 * i : 2 * (i - half) + 1));
  const back = order.map((_, i) => order.indexOf(i));
  const grouped = g.op(scope, 'Gather', [x, g.int64(order)], { attrs: { axis: 3 } });
  const rotated = applyHalfRope(g, scope, grouped, rope, headDim);
  return g.op(scope, 'Gather', [rotated, g.int64(back)], { attrs: { axis: 3 } });
}

function applyRope(
  g: GraphBuilder,
  scope: string,
  x: string,
  rope: Rope,
  headDim: number,
  layout: RopeLayout,
): string {
  return layout === 'interleaved'
    ? applyInterleavedRope(g, scope, x, rope, headDim)
    : applyHalfRope(g, scope, x, rope, headDim);
}

/** x * cos + rotate_half(x) * sin, for x [batch, heads, seq, head_dim]. */
export function applyHalfRope(
  g: GraphBuilder,
  scope: string,
  x: string,
  rope: Rope,
  headDim: number,
): string {
  const half = headDim / 2;
  const axis = g.int64([3]);
  const first = g.op(scope, 'Slice', [x, g.int64([0]), g.int64([half]), axis]);
  const second = g.op(scope, 'Slice', [x, g.int64([half]), g.int64([headDim]), axis]);
  const negated = g.op(scope, 'Neg', [second]);
  const rotated = g.op(scope, 'Concat', [negated, first], { attrs: { axis: -1 } });
  const withCos = g.op(scope, 'Mul', [x, rope.cos]);
  const withSin = g.op(scope, 'Mul', [rotated, rope.sin]);
  return g.op(scope, 'Add', [withCos, withSin]);
}

/**
 * Additive attention bias [batch, 1, 1, seq, total]: 0 where a new token (at index
 * past + i) may attend key j (j <= past + i and attention_mask[j] = 1), else float32 min.
 */
export function attentionBias(
  g: GraphBuilder,
  inputsEmbeds: string,
  attentionMask: string,
): string {
  const scope = '/model';
  const one = g.int64([1], []);
  const zero = g.int64([0], []);
  const total = g.op(scope, 'Gather', [g.op(scope, 'Shape', [attentionMask]), one], {
    attrs: { axis: 0 },
  });
  const seq = g.op(scope, 'Gather', [g.op(scope, 'Shape', [inputsEmbeds]), one], {
    attrs: { axis: 0 },
  });
  const past = g.op(scope, 'Sub', [total, seq]);
  const queryIndex = g.op(scope, 'Range', [past, total, one]);
  const keyIndex = g.op(scope, 'Range', [zero, total, one]);
  const keyRow = g.op(scope, 'Unsqueeze', [keyIndex, g.int64([0])]);
  const queryColumn = g.op(scope, 'Unsqueeze', [queryIndex, g.int64([1])]);
  const causal = g.op(scope, 'LessOrEqual', [keyRow, queryColumn]);
  const padding = g.op(scope, 'Cast', [attentionMask], { attrs: { to: TensorDataType.BOOL } });
  const paddingRows = g.op(scope, 'Unsqueeze', [padding, g.int64([1, 2])]);
  const allowed = g.op(scope, 'And', [causal, paddingRows]);
  const bias = g.op(scope, 'Where', [allowed, g.scalar(0), g.scalar(FLOAT32_MIN)]);
  return g.op(scope, 'Unsqueeze', [bias, g.int64([2])]);
}

/** Options of the decoder body that differ between families. */
export interface DecoderOptions {
  /** RoPE pair layout (SmolVLM reference: 'half'). */
  layout: RopeLayout;
  /** q_proj, k_proj and v_proj have biases (Qwen2); o_proj never has one. */
  qkvBias: boolean;
}

function attention(
  g: GraphBuilder,
  seed: number,
  text: TextShape,
  layer: number,
  x: string,
  rope: Rope,
  bias: string,
  options: DecoderOptions,
): string {
  const { layout, qkvBias } = options;
  const { hiddenSize, numHeads, numKvHeads, headDim } = text;
  const groups = numHeads / numKvHeads;
  const scope = `/model/layers.${layer}/self_attn`;
  const param = `model.layers.${layer}.self_attn`;
  const q = linear(
    g,
    seed,
    `${scope}/q_proj`,
    `${param}.q_proj`,
    x,
    hiddenSize,
    numHeads * headDim,
    { bias: qkvBias },
  );
  const k = linear(
    g,
    seed,
    `${scope}/k_proj`,
    `${param}.k_proj`,
    x,
    hiddenSize,
    numKvHeads * headDim,
    { bias: qkvBias },
  );
  const v = linear(
    g,
    seed,
    `${scope}/v_proj`,
    `${param}.v_proj`,
    x,
    hiddenSize,
    numKvHeads * headDim,
    { bias: qkvBias },
  );

  const heads = (value: string, count: number) =>
    g.op(scope, 'Transpose', [g.op(scope, 'Reshape', [value, g.int64([0, 0, count, headDim])])], {
      attrs: { perm: [0, 2, 1, 3] },
    });
  const qRotated = applyRope(g, scope, heads(q, numHeads), rope, headDim, layout);
  const kRotated = applyRope(g, scope, heads(k, numKvHeads), rope, headDim, layout);
  const vHeads = heads(v, numKvHeads);

  const [presentKey] = g.node(scope, 'Concat', [`past_key_values.${layer}.key`, kRotated], {
    attrs: { axis: 2 },
    outputs: [`present.${layer}.key`],
  });
  const [presentValue] = g.node(scope, 'Concat', [`past_key_values.${layer}.value`, vHeads], {
    attrs: { axis: 2 },
    outputs: [`present.${layer}.value`],
  });

  // Grouped-query attention by broadcasting: queries [b, kv, groups, s, d] against keys
  // [b, kv, 1, t, d]; query head h uses key head floor(h / groups), as repeat_kv does.
  const qGroups = g.op(scope, 'Reshape', [qRotated, g.int64([0, numKvHeads, groups, -1, headDim])]);
  const kGroups = g.op(scope, 'Unsqueeze', [presentKey, g.int64([2])]);
  const vGroups = g.op(scope, 'Unsqueeze', [presentValue, g.int64([2])]);
  const kT = g.op(scope, 'Transpose', [kGroups], { attrs: { perm: [0, 1, 2, 4, 3] } });
  const scores = g.op(scope, 'MatMul', [qGroups, kT]);
  const scaled = g.op(scope, 'Mul', [scores, g.scalar(1 / Math.sqrt(headDim))]);
  const masked = g.op(scope, 'Add', [scaled, bias]);
  const probs = g.op(scope, 'Softmax', [masked], { attrs: { axis: -1 } });
  const context = g.op(scope, 'MatMul', [probs, vGroups]);
  const perHead = g.op(scope, 'Reshape', [context, g.int64([0, numHeads, -1, headDim])]);
  const bySeq = g.op(scope, 'Transpose', [perHead], { attrs: { perm: [0, 2, 1, 3] } });
  const merged = g.op(scope, 'Reshape', [bySeq, g.int64([0, 0, numHeads * headDim])]);
  return linear(
    g,
    seed,
    `${scope}/o_proj`,
    `${param}.o_proj`,
    merged,
    numHeads * headDim,
    hiddenSize,
  );
}

function mlp(g: GraphBuilder, seed: number, text: TextShape, layer: number, x: string): string {
  const scope = `/model/layers.${layer}/mlp`;
  const param = `model.layers.${layer}.mlp`;
  const { hiddenSize, intermediateSize } = text;
  const gate = linear(
    g,
    seed,
    `${scope}/gate_proj`,
    `${param}.gate_proj`,
    x,
    hiddenSize,
    intermediateSize,
  );
  const up = linear(
    g,
    seed,
    `${scope}/up_proj`,
    `${param}.up_proj`,
    x,
    hiddenSize,
    intermediateSize,
  );
  const activated = silu(g, `${scope}/act_fn`, gate);
  const product = g.op(scope, 'Mul', [activated, up]);
  return linear(
    g,
    seed,
    `${scope}/down_proj`,
    `${param}.down_proj`,
    product,
    intermediateSize,
    hiddenSize,
  );
}

/**
 * The decoder's inputs and outputs; `positionDims` is position_ids' shape
 * (['batch_size', 'sequence_length'] for 1-D RoPE, [3, 'batch_size', 'sequence_length'] for M-RoPE).
 */
export function declareDecoderIo(
  g: GraphBuilder,
  text: TextShape,
  positionDims: (number | string)[],
): { inputsEmbeds: string; attentionMask: string; positionIds: string } {
  const kvShape = ['batch_size', text.numKvHeads, 'past_sequence_length', text.headDim];
  const presentShape = ['batch_size', text.numKvHeads, 'total_sequence_length', text.headDim];

  const inputsEmbeds = g.input('inputs_embeds', FLOAT, [
    'batch_size',
    'sequence_length',
    text.hiddenSize,
  ]);
  const attentionMask = g.input('attention_mask', INT64, ['batch_size', 'total_sequence_length']);
  const positionIds = g.input('position_ids', INT64, positionDims);
  for (let i = 0; i < text.numLayers; i++) {
    g.input(`past_key_values.${i}.key`, FLOAT, kvShape);
    g.input(`past_key_values.${i}.value`, FLOAT, kvShape);
  }
  g.output('logits', FLOAT, ['batch_size', 'sequence_length', text.vocabSize]);
  for (let i = 0; i < text.numLayers; i++) {
    g.output(`present.${i}.key`, FLOAT, presentShape);
    g.output(`present.${i}.value`, FLOAT, presentShape);
  }
  return { inputsEmbeds, attentionMask, positionIds };
}

/** The decoder layers, final norm and lm_head (writing "logits") on top of the inputs. */
export function decoderBody(
  g: GraphBuilder,
  seed: number,
  text: TextShape,
  inputsEmbeds: string,
  attentionMask: string,
  rope: Rope,
  options: DecoderOptions,
): void {
  const bias = attentionBias(g, inputsEmbeds, attentionMask);
  let hidden = inputsEmbeds;
  for (let i = 0; i < text.numLayers; i++) {
    const scope = `/model/layers.${i}`;
    const param = `model.layers.${i}`;
    const normed = rmsNorm(
      g,
      seed,
      `${scope}/input_layernorm`,
      `${param}.input_layernorm`,
      hidden,
      text.hiddenSize,
      text.rmsNormEps,
    );
    hidden = g.op(scope, 'Add', [hidden, attention(g, seed, text, i, normed, rope, bias, options)]);
    const normed2 = rmsNorm(
      g,
      seed,
      `${scope}/post_attention_layernorm`,
      `${param}.post_attention_layernorm`,
      hidden,
      text.hiddenSize,
      text.rmsNormEps,
    );
    hidden = g.op(scope, 'Add', [hidden, mlp(g, seed, text, i, normed2)]);
  }
  const final = rmsNorm(
    g,
    seed,
    '/model/norm',
    'model.norm',
    hidden,
    text.hiddenSize,
    text.rmsNormEps,
  );
  const lmHead = g.weight(
    'lm_head.weight',
    [text.hiddenSize, text.vocabSize],
    linearFill(seed, 'lm_head.weight', text.hiddenSize, 3),
  );
  g.node('/lm_head', 'MatMul', [final, lmHead], { outputs: ['logits'] });
}

export function buildDecoderGraph(
  preset: ReferencePreset,
  seed: number,
  store: TensorStore,
  layout: RopeLayout = 'half',
) {
  const text = preset.text;
  const g = new GraphBuilder('main_graph', store);
  const { inputsEmbeds, attentionMask, positionIds } = declareDecoderIo(g, text, [
    'batch_size',
    'sequence_length',
  ]);
  const rope = ropeTables(g, text, positionIds);
  decoderBody(g, seed, text, inputsEmbeds, attentionMask, rope, { layout, qkvBias: false });
  return g.build();
}
