// The graphs compute what the architecture says, checked against plain JavaScript written
// from the transformers formulas (not from the graph builder): the Llama decoder (RMSNorm,
// rotate-half RoPE, grouped-query causal attention, SwiGLU, lm_head), the SigLIP vision
// tower (patch conv, position embeddings, pre-LN blocks, tanh GELU, post-layernorm) and
// Idefics3's pixel shuffle + modality projection. Weights are read back from the .onnx files.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  readOnnxModel,
  writeOnnxModel,
  type OnnxModel,
} from '../../../../engine/model/onnx/model-io';
import { exposeNodeOutputs } from '../../../../engine/model/onnx/surgery';
import {
  TINY,
  decode,
  embed,
  emptyPast,
  maxAbsDiff,
  session,
  tinyModel,
  tokenIds,
} from './helpers';

let model: Awaited<ReturnType<typeof tinyModel>>;
let scratch: string;

before(async () => {
  model = await tinyModel();
  scratch = mkdtempSync(join(tmpdir(), 'vlm-ref-math-'));
});

after(() => {
  model?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

function weights(onnx: OnnxModel) {
  return (name: string): Float32Array => {
    const tensor = onnx.graph.initializer?.find((t) => t.name === name);
    if (!tensor?.raw_data) throw new Error(`no inline weight ${name}`);
    return new Float32Array(new Uint8Array(tensor.raw_data).buffer);
  };
}

/** x [n, inDim] @ w [inDim, outDim]. */
function matmul(
  x: Float32Array,
  w: Float32Array,
  n: number,
  inDim: number,
  outDim: number,
): Float32Array {
  const out = new Float32Array(n * outDim);
  for (let r = 0; r < n; r++)
    for (let k = 0; k < inDim; k++) {
      const a = x[r * inDim + k];
      for (let c = 0; c < outDim; c++) out[r * outDim + c] += a * w[k * outDim + c];
    }
  return out;
}

function rmsNorm(
  x: Float32Array,
  weight: Float32Array,
  n: number,
  size: number,
  eps = 1e-5,
): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < n; r++) {
    let sum = 0;
    for (let i = 0; i < size; i++) sum += x[r * size + i] ** 2;
    const scale = 1 / Math.sqrt(sum / size + eps);
    for (let i = 0; i < size; i++) out[r * size + i] = x[r * size + i] * scale * weight[i];
  }
  return out;
}

/** In place: each head vector of row r rotated by position r (rotate-half). */
function rope(x: Float32Array, n: number, heads: number, dim: number, theta: number): void {
  const half = dim / 2;
  for (let r = 0; r < n; r++)
    for (let h = 0; h < heads; h++) {
      const base = (r * heads + h) * dim;
      for (let i = 0; i < half; i++) {
        const angle = r / theta ** ((2 * i) / dim);
        const [a, b] = [x[base + i], x[base + half + i]];
        x[base + i] = a * Math.cos(angle) - b * Math.sin(angle);
        x[base + half + i] = b * Math.cos(angle) + a * Math.sin(angle);
      }
    }
}

function layerNorm(
  x: Float32Array,
  scale: Float32Array,
  bias: Float32Array,
  n: number,
  size: number,
): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < n; r++) {
    const row = x.subarray(r * size, (r + 1) * size);
    const mean = row.reduce((a, b) => a + b, 0) / size;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / size;
    for (let i = 0; i < size; i++)
      out[r * size + i] = ((row[i] - mean) / Math.sqrt(variance + 1e-6)) * scale[i] + bias[i];
  }
  return out;
}

function linearWithBias(
  w: (name: string) => Float32Array,
  param: string,
  x: Float32Array,
  n: number,
  inDim: number,
  outDim: number,
) {
  const out = matmul(x, w(`${param}.weight`), n, inDim, outDim);
  const bias = w(`${param}.bias`);
  return out.map((value, i) => value + bias[i % outDim]);
}

const VISION = { hidden: 32, heads: 2, intermediate: 64, patch: 8, layers: 2 };

/** SigLIP vision tower of one image [3, tile, tile] -> post_layernorm output [patches, hidden]. */
function siglipHidden(w: (name: string) => Float32Array, pixels: Float32Array): Float32Array {
  const { hidden, heads, intermediate, patch, layers } = VISION;
  const side = TINY.tile / patch;
  const n = side * side;
  const conv = w('model.vision_model.embeddings.patch_embedding.weight');
  const convBias = w('model.vision_model.embeddings.patch_embedding.bias');
  const positions = w('model.vision_model.embeddings.position_embedding.weight');
  const x = new Float32Array(n * hidden);
  for (let py = 0; py < side; py++)
    for (let px = 0; px < side; px++)
      for (let o = 0; o < hidden; o++) {
        let sum = convBias[o];
        for (let c = 0; c < 3; c++)
          for (let ky = 0; ky < patch; ky++)
            for (let kx = 0; kx < patch; kx++)
              sum +=
                conv[((o * 3 + c) * patch + ky) * patch + kx] *
                pixels[(c * TINY.tile + py * patch + ky) * TINY.tile + px * patch + kx];
        const token = py * side + px;
        x[token * hidden + o] = sum + positions[token * hidden + o];
      }
  const headDim = hidden / heads;
  for (let l = 0; l < layers; l++) {
    const p = `model.vision_model.encoder.layers.${l}`;
    const h = layerNorm(x, w(`${p}.layer_norm1.weight`), w(`${p}.layer_norm1.bias`), n, hidden);
    const [q, k, v] = ['q_proj', 'k_proj', 'v_proj'].map((name) =>
      linearWithBias(w, `${p}.self_attn.${name}`, h, n, hidden, hidden),
    );
    const context = new Float32Array(n * hidden);
    for (let head = 0; head < heads; head++)
      for (let i = 0; i < n; i++) {
        const scores = new Float64Array(n);
        for (let j = 0; j < n; j++) {
          let dot = 0;
          for (let d = 0; d < headDim; d++)
            dot += q[i * hidden + head * headDim + d] * k[j * hidden + head * headDim + d];
          scores[j] = dot / Math.sqrt(headDim);
        }
        const max = Math.max(...scores);
        const exp = scores.map((value) => Math.exp(value - max));
        const total = exp.reduce((a, b) => a + b, 0);
        for (let j = 0; j < n; j++)
          for (let d = 0; d < headDim; d++)
            context[i * hidden + head * headDim + d] +=
              (exp[j] / total) * v[j * hidden + head * headDim + d];
      }
    linearWithBias(w, `${p}.self_attn.out_proj`, context, n, hidden, hidden).forEach(
      (value, i) => (x[i] += value),
    );
    const h2 = layerNorm(x, w(`${p}.layer_norm2.weight`), w(`${p}.layer_norm2.bias`), n, hidden);
    const up = linearWithBias(w, `${p}.mlp.fc1`, h2, n, hidden, intermediate);
    const gelu = up.map(
      (u) => 0.5 * u * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (u + 0.044715 * u ** 3))),
    );
    linearWithBias(w, `${p}.mlp.fc2`, gelu, n, intermediate, hidden).forEach(
      (value, i) => (x[i] += value),
    );
  }
  return layerNorm(
    x,
    w('model.vision_model.post_layernorm.weight'),
    w('model.vision_model.post_layernorm.bias'),
    n,
    hidden,
  );
}

/** Logits [n, vocab] of a Llama decoder over `embeds` at positions 0..n-1. */
function llamaLogits(
  w: (name: string) => Float32Array,
  embeds: Float32Array,
  n: number,
): Float32Array {
  const { hidden, heads, kvHeads, headDim, layers, vocab, ropeTheta } = TINY;
  const intermediate = 128;
  const x = Float32Array.from(embeds);
  for (let l = 0; l < layers; l++) {
    const p = `model.layers.${l}`;
    const h = rmsNorm(x, w(`${p}.input_layernorm.weight`), n, hidden);
    const q = matmul(h, w(`${p}.self_attn.q_proj.weight`), n, hidden, heads * headDim);
    const k = matmul(h, w(`${p}.self_attn.k_proj.weight`), n, hidden, kvHeads * headDim);
    const v = matmul(h, w(`${p}.self_attn.v_proj.weight`), n, hidden, kvHeads * headDim);
    rope(q, n, heads, headDim, ropeTheta);
    rope(k, n, kvHeads, headDim, ropeTheta);
    const context = new Float32Array(n * heads * headDim);
    for (let head = 0; head < heads; head++) {
      const kvHead = Math.floor(head / (heads / kvHeads));
      for (let i = 0; i < n; i++) {
        const scores = new Float64Array(i + 1);
        for (let j = 0; j <= i; j++) {
          let dot = 0;
          for (let d = 0; d < headDim; d++)
            dot += q[(i * heads + head) * headDim + d] * k[(j * kvHeads + kvHead) * headDim + d];
          scores[j] = dot / Math.sqrt(headDim);
        }
        const max = Math.max(...scores);
        const exp = scores.map((s) => Math.exp(s - max));
        const total = exp.reduce((a, b) => a + b, 0);
        for (let j = 0; j <= i; j++)
          for (let d = 0; d < headDim; d++)
            context[(i * heads + head) * headDim + d] +=
              (exp[j] / total) * v[(j * kvHeads + kvHead) * headDim + d];
      }
    }
    const attended = matmul(context, w(`${p}.self_attn.o_proj.weight`), n, heads * headDim, hidden);
    attended.forEach((value, i) => (x[i] += value));
    const h2 = rmsNorm(x, w(`${p}.post_attention_layernorm.weight`), n, hidden);
    const gate = matmul(h2, w(`${p}.mlp.gate_proj.weight`), n, hidden, intermediate);
    const up = matmul(h2, w(`${p}.mlp.up_proj.weight`), n, hidden, intermediate);
    const act = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]);
    const down = matmul(act, w(`${p}.mlp.down_proj.weight`), n, intermediate, hidden);
    down.forEach((value, i) => (x[i] += value));
  }
  return matmul(
    rmsNorm(x, w('model.norm.weight'), n, hidden),
    w('lm_head.weight'),
    n,
    hidden,
    vocab,
  );
}

test('the decoder computes a Llama forward pass (JavaScript reference, max abs diff <= 1e-3)', async () => {
  const w = weights(readOnnxModel(join(model.dir, 'onnx', 'decoder_model_merged.onnx')));
  const embedder = await session(model.dir, 'embed_tokens.onnx');
  const decoder = await session(model.dir, 'decoder_model_merged.onnx');
  try {
    const ids = tokenIds(9, TINY.vocab, 21);
    const embeds = await embed(embedder, ids);
    // The embedding table row lookup, checked on the way.
    const table = weights(readOnnxModel(join(model.dir, 'onnx', 'embed_tokens.onnx')))(
      'model.embed_tokens.weight',
    );
    const rows = new Float32Array(
      ids.flatMap((id) => Array.from(table.subarray(id * TINY.hidden, (id + 1) * TINY.hidden))),
    );
    assert.equal(maxAbsDiff(rows, embeds.data as Float32Array), 0);

    const out = await decode(
      decoder,
      embeds,
      ids.map((_, i) => i),
      emptyPast(),
      0,
    );
    const expected = llamaLogits(w, rows, ids.length);
    const diff = maxAbsDiff(expected, out.logits.data as Float32Array);
    assert.ok(diff <= 1e-3, `logits differ by ${diff}`);
  } finally {
    await Promise.all([embedder.release(), decoder.release()]);
  }
});

test('the vision encoder is a SigLIP tower + Idefics3 pixel shuffle and projection (JavaScript reference)', async () => {
  const vision = readOnnxModel(join(model.dir, 'onnx', 'vision_encoder.onnx'));
  const w = weights(vision);
  const [hiddenStates] = exposeNodeOutputs(vision, [
    '/model/vision_model/post_layernorm/LayerNormalization',
  ]);
  const path = join(scratch, 'vision_with_hidden.onnx');
  writeOnnxModel(path, vision);
  const encoder = await ort.InferenceSession.create(path);
  try {
    const size = TINY.tile;
    const pixels = new Float32Array(2 * 3 * size * size).map((_, i) => Math.cos(i * 0.11));
    const out = await encoder.run({
      pixel_values: new ort.Tensor('float32', pixels, [1, 2, 3, size, size]),
      pixel_attention_mask: new ort.Tensor('bool', new Uint8Array(2 * size * size).fill(1), [
        1,
        2,
        size,
        size,
      ]),
    });
    const x = out[hiddenStates].data as Float32Array;
    const [images, seq, width] = out[hiddenStates].dims;
    const perImage = 3 * size * size;
    for (let b = 0; b < images; b++) {
      const expectedHidden = siglipHidden(w, pixels.subarray(b * perImage, (b + 1) * perImage));
      const diff = maxAbsDiff(expectedHidden, x.subarray(b * seq * width, (b + 1) * seq * width));
      assert.ok(diff <= 1e-3, `image ${b}: vision hidden states differ by ${diff}`);
    }
    const side = Math.sqrt(seq);
    const s = 2;
    // out[b, I * (side / s) + J, (a * s + c) * width + e] = x[b, (I * s + a) * side + (J * s + c), e]
    const shuffled = new Float32Array(images * seq * width);
    const outWidth = width * s * s;
    for (let b = 0; b < images; b++)
      for (let I = 0; I < side / s; I++)
        for (let J = 0; J < side / s; J++)
          for (let a = 0; a < s; a++)
            for (let c = 0; c < s; c++)
              for (let e = 0; e < width; e++) {
                const target =
                  (b * (seq / (s * s)) + I * (side / s) + J) * outWidth + (a * s + c) * width + e;
                shuffled[target] = x[(b * seq + (I * s + a) * side + (J * s + c)) * width + e];
              }
    const rows = images * TINY.imageSeqLen;
    const expected = matmul(
      shuffled,
      w('model.connector.modality_projection.proj.weight'),
      rows,
      outWidth,
      TINY.hidden,
    );
    const diff = maxAbsDiff(expected, out.image_features.data as Float32Array);
    assert.ok(diff <= 1e-4, `image features differ by ${diff}`);
  } finally {
    await encoder.release();
  }
});
