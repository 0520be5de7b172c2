// vision_encoder.onnx of the Qwen2-VL reference, with the onnx-community export's inputs and
// output:
//   inputs:  pixel_values [num_patches, channels * temporal_patch * patch * patch] float32
//            (1176 for Qwen2-VL-2B), rows as the image processor flattens them
//            grid_thw [num_images, 3] int64 (temporal patches, patch rows, patch columns)
//   output:  image_features [num_patches / merge², text_hidden] float32
// A small Qwen2-VL ViT: patch embedding (the Conv3d with stride = kernel, as a MatMul on the
// flattened patch, no bias), pre-norm blocks (LayerNorm, one qkv projection, attention,
// QuickGELU MLP), then the patch merger (LayerNorm, the merge² neighbouring patches
// concatenated, Linear, GELU, Linear to the text width). The image processor already puts
// the four patches of one merged token in consecutive rows, so the merge is a reshape.
// Attention is block-diagonal per image (patches of one grid_thw attend to each other, as
// the real model's cu_seqlens do). The real model's 2-D vision RoPE is left out: the
// reference ViT has no position information, which changes its values, not its interface.
import { GraphBuilder } from '../../onnx/graph-builder';
import { TensorDataType } from '../../onnx/schema';
import type { TensorStore } from '../../onnx/tensor-store';
import { FLOAT32_MIN, layerNorm, linear } from '../layers';
import { biasFill, linearFill } from '../weights';
import {
  patchValues,
  patchesPerToken,
  type Qwen2VlPreset,
  type Qwen2VlVisionShape,
} from './presets';

const FLOAT = TensorDataType.FLOAT;
const INT64 = TensorDataType.INT64;

/** Additive attention bias [num_patches, num_patches]: 0 within an image, float32 min across. */
function perImageBias(g: GraphBuilder, x: string, gridThw: string): string {
  const scope = '/visual';
  const column = (c: number) =>
    g.op(scope, 'Gather', [gridThw, g.int64([c], [])], { attrs: { axis: 1 } });
  const counts = g.op(scope, 'Mul', [g.op(scope, 'Mul', [column(0), column(1)]), column(2)]);
  const ends = g.op(scope, 'CumSum', [counts, g.int64([0], [])]);
  const total = g.op(scope, 'Gather', [g.op(scope, 'Shape', [x]), g.int64([0], [])], {
    attrs: { axis: 0 },
  });
  const index = g.op(scope, 'Range', [g.int64([0], []), total, g.int64([1], [])]);
  // Image of patch j: how many images end at or before j.
  const past = g.op(scope, 'GreaterOrEqual', [
    g.op(scope, 'Unsqueeze', [index, g.int64([1])]),
    g.op(scope, 'Unsqueeze', [ends, g.int64([0])]),
  ]);
  const pastCount = g.op(scope, 'Cast', [past], { attrs: { to: INT64 } });
  // ReduceSum takes its axes as an input from opset 13.
  const image = g.op(scope, 'ReduceSum', [pastCount, g.int64([1])], { attrs: { keepdims: 0 } });
  const same = g.op(scope, 'Equal', [
    g.op(scope, 'Unsqueeze', [image, g.int64([1])]),
    g.op(scope, 'Unsqueeze', [image, g.int64([0])]),
  ]);
  return g.op(scope, 'Where', [same, g.scalar(0), g.scalar(FLOAT32_MIN)]);
}

/** QuickGELU (Qwen2-VL's ViT MLP): x * sigmoid(1.702 x). */
function quickGelu(g: GraphBuilder, scope: string, x: string): string {
  const sigmoid = g.op(scope, 'Sigmoid', [g.op(scope, 'Mul', [x, g.scalar(1.702)])]);
  return g.op(scope, 'Mul', [x, sigmoid]);
}

/** GELU, exact (the merger's nn.GELU): 0.5 x (1 + erf(x / sqrt 2)). */
function gelu(g: GraphBuilder, scope: string, x: string): string {
  const erf = g.op(scope, 'Erf', [g.op(scope, 'Mul', [x, g.scalar(Math.SQRT1_2)])]);
  const onePlus = g.op(scope, 'Add', [erf, g.scalar(1)]);
  return g.op(scope, 'Mul', [g.op(scope, 'Mul', [x, g.scalar(0.5)]), onePlus]);
}

function block(
  g: GraphBuilder,
  seed: number,
  vision: Qwen2VlVisionShape,
  layer: number,
  x: string,
  bias: string,
): string {
  const { embedDim, numHeads, mlpRatio, layerNormEps } = vision;
  const headDim = embedDim / numHeads;
  const scope = `/visual/blocks.${layer}`;
  const param = `visual.blocks.${layer}`;
  const attn = `${scope}/attn`;

  const normed = layerNorm(g, seed, `${scope}/norm1`, `${param}.norm1`, x, embedDim, layerNormEps);
  const qkv = linear(g, seed, `${attn}/qkv`, `${param}.attn.qkv`, normed, embedDim, 3 * embedDim, {
    bias: true,
  });
  // [patches, 3, heads, head_dim] -> [3, heads, patches, head_dim]
  const split = g.op(
    attn,
    'Transpose',
    [g.op(attn, 'Reshape', [qkv, g.int64([-1, 3, numHeads, headDim])])],
    {
      attrs: { perm: [1, 2, 0, 3] },
    },
  );
  const pick = (i: number) =>
    g.op(attn, 'Gather', [split, g.int64([i], [])], { attrs: { axis: 0 } });
  const q = pick(0);
  const kT = g.op(attn, 'Transpose', [pick(1)], { attrs: { perm: [0, 2, 1] } });
  const v = pick(2);
  const scores = g.op(attn, 'Mul', [
    g.op(attn, 'MatMul', [q, kT]),
    g.scalar(1 / Math.sqrt(headDim)),
  ]);
  const probs = g.op(attn, 'Softmax', [g.op(attn, 'Add', [scores, bias])], { attrs: { axis: -1 } });
  const context = g.op(attn, 'Transpose', [g.op(attn, 'MatMul', [probs, v])], {
    attrs: { perm: [1, 0, 2] },
  });
  const merged = g.op(attn, 'Reshape', [context, g.int64([-1, embedDim])]);
  const attended = linear(
    g,
    seed,
    `${attn}/proj`,
    `${param}.attn.proj`,
    merged,
    embedDim,
    embedDim,
    {
      bias: true,
    },
  );
  const residual = g.op(scope, 'Add', [x, attended]);

  const hidden = embedDim * mlpRatio;
  const normed2 = layerNorm(
    g,
    seed,
    `${scope}/norm2`,
    `${param}.norm2`,
    residual,
    embedDim,
    layerNormEps,
  );
  const up = linear(g, seed, `${scope}/mlp/fc1`, `${param}.mlp.fc1`, normed2, embedDim, hidden, {
    bias: true,
  });
  const activated = quickGelu(g, `${scope}/mlp/act`, up);
  const down = linear(
    g,
    seed,
    `${scope}/mlp/fc2`,
    `${param}.mlp.fc2`,
    activated,
    hidden,
    embedDim,
    {
      bias: true,
    },
  );
  return g.op(scope, 'Add', [residual, down]);
}

/** PatchMerger: ln_q, merge² consecutive patches into one row, mlp.0, GELU, mlp.2. */
function merger(g: GraphBuilder, seed: number, preset: Qwen2VlPreset, x: string): void {
  const { embedDim, layerNormEps } = preset.vision;
  const scope = '/visual/merger';
  const param = 'visual.merger';
  const width = embedDim * patchesPerToken(preset.vision);
  const normed = layerNorm(g, seed, `${scope}/ln_q`, `${param}.ln_q`, x, embedDim, layerNormEps);
  const grouped = g.op(scope, 'Reshape', [normed, g.int64([-1, width])]);
  const up = linear(g, seed, `${scope}/mlp.0`, `${param}.mlp.0`, grouped, width, width, {
    bias: true,
  });
  const activated = gelu(g, `${scope}/mlp.1`, up);
  const text = preset.text.hiddenSize;
  const weight = g.weight(
    `${param}.mlp.2.weight`,
    [width, text],
    linearFill(seed, `${param}.mlp.2.weight`, width),
  );
  const bias = g.weight(`${param}.mlp.2.bias`, [text], biasFill(seed, `${param}.mlp.2.bias`));
  const product = g.op(`${scope}/mlp.2`, 'MatMul', [activated, weight]);
  g.node(`${scope}/mlp.2`, 'Add', [product, bias], { outputs: ['image_features'] });
}

export function buildQwen2VlVisionGraph(preset: Qwen2VlPreset, seed: number, store: TensorStore) {
  const vision = preset.vision;
  const g = new GraphBuilder('main_graph', store);
  const values = patchValues(vision);
  const pixelValues = g.input('pixel_values', FLOAT, ['num_patches', values]);
  const gridThw = g.input('grid_thw', INT64, ['num_images', 3]);
  g.output('image_features', FLOAT, ['num_image_tokens', preset.text.hiddenSize]);

  const bias = perImageBias(g, pixelValues, gridThw);
  let hidden = linear(
    g,
    seed,
    '/visual/patch_embed/proj',
    'visual.patch_embed.proj',
    pixelValues,
    values,
    vision.embedDim,
  );
  for (let i = 0; i < vision.depth; i++) hidden = block(g, seed, vision, i, hidden, bias);
  merger(g, seed, preset, hidden);
  return g.build();
}
