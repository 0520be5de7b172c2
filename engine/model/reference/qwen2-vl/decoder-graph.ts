// decoder_model_merged.onnx of the Qwen2-VL reference: a Qwen2 decoder (RMSNorm, q/k/v
// projections with bias, o_proj without, SwiGLU MLP, grouped-query attention) with the
// inputs and outputs of the onnx-community export:
//   inputs:  inputs_embeds [batch_size, sequence_length, hidden] float32
//            attention_mask [batch_size, total_sequence_length] int64
//            position_ids [3, batch_size, sequence_length] int64 (temporal, height, width)
//            past_key_values.{i}.key|value [batch_size, kv_heads, past_sequence_length, head_dim]
//   outputs: logits [batch_size, sequence_length, vocab]
//            present.{i}.key|value [batch_size, kv_heads, total_sequence_length, head_dim]
// M-RoPE in the graph, as transformers' apply_multimodal_rotary_pos_emb: angles
// position_ids[c] * inv_freq for each component c, then rotary pair i takes its angle from
// the component of its mrope_section (pairs [0, s_t) temporal, [s_t, s_t + s_h) height, the
// rest width; the frequency index is not restarted per section), in the rotate-half layout.
// Everything else (causal mask by index, keys rotated before the concat with the past)
// is the SmolVLM reference decoder's (../decoder-graph.ts), shared.
import { GraphBuilder } from '../../onnx/graph-builder';
import { TensorDataType } from '../../onnx/schema';
import type { TensorStore } from '../../onnx/tensor-store';
import { declareDecoderIo, decoderBody, type Rope } from '../decoder-graph';
import type { Qwen2VlPreset, Qwen2VlTextShape } from './presets';

const FLOAT = TensorDataType.FLOAT;

/** cos/sin [batch, 1, seq, head_dim] from position_ids [3, batch, seq], per mrope_section. */
function mropeTables(g: GraphBuilder, text: Qwen2VlTextShape, positionIds: string): Rope {
  const scope = '/model/rotary_emb';
  const half = text.headDim / 2;
  const [st, sh, sw] = text.mropeSection;
  if (st + sh + sw !== half)
    throw new Error(
      `mrope_section ${text.mropeSection.join(',')} must sum to head_dim / 2 = ${half}`,
    );
  const invFreq = Array.from(
    { length: half },
    (_, i) => 1 / text.ropeTheta ** ((2 * i) / text.headDim),
  );
  const inv = g.floatConstant('model.rotary_emb.inv_freq', [1, 1, 1, half], invFreq);
  const positions = g.op(scope, 'Cast', [positionIds], { attrs: { to: FLOAT } });
  const column = g.op(scope, 'Unsqueeze', [positions, g.int64([3])]);
  // [3, batch, seq, half]: every pair's angle under each of the three components.
  const freqs = g.op(scope, 'Mul', [column, inv]);
  // Pair i keeps the angle of its section's component.
  const bounds = [0, st, st + sh, half];
  const parts = [0, 1, 2].map((c) =>
    g.op(scope, 'Slice', [
      freqs,
      g.int64([c, bounds[c]]),
      g.int64([c + 1, bounds[c + 1]]),
      g.int64([0, 3]),
    ]),
  );
  const chosen = g.op(scope, 'Concat', parts, { attrs: { axis: -1 } });
  const selected = g.op(scope, 'Squeeze', [chosen, g.int64([0])]);
  const emb = g.op(scope, 'Concat', [selected, selected], { attrs: { axis: -1 } });
  const cos = g.op(scope, 'Cos', [emb]);
  const sin = g.op(scope, 'Sin', [emb]);
  return {
    cos: g.op(scope, 'Unsqueeze', [cos, g.int64([1])]),
    sin: g.op(scope, 'Unsqueeze', [sin, g.int64([1])]),
  };
}

export function buildQwen2VlDecoderGraph(preset: Qwen2VlPreset, seed: number, store: TensorStore) {
  const text = preset.text;
  const g = new GraphBuilder('main_graph', store);
  const { inputsEmbeds, attentionMask, positionIds } = declareDecoderIo(g, text, [
    3,
    'batch_size',
    'sequence_length',
  ]);
  const rope = mropeTables(g, text, positionIds);
  decoderBody(g, seed, text, inputsEmbeds, attentionMask, rope, { layout: 'half', qkvBias: true });
  return g.build();
}
