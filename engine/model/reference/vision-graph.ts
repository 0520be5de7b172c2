// vision_encoder.onnx: a SigLIP-like ViT with Idefics3's pixel-shuffle connector.
//   inputs:  pixel_values [batch_size, num_images, 3, height, width] float32 (height = width =
//            the tile size), pixel_attention_mask [batch_size, num_images, height, width] bool
//   output:  image_features [num_images, image_seq_len, text_hidden] float32
// As in transformers' Idefics3Model, all-zero padding images are dropped (at least one image is
// kept), and patches with no valid pixel are masked out as attention keys.
import { GraphBuilder } from '../onnx/graph-builder';
import { TensorDataType } from '../onnx/schema';
import type { TensorStore } from '../onnx/tensor-store';
import { FLOAT32_MIN, geluTanh, layerNorm, linear } from './layers';
import { imageSeqLen, patchesPerSide, type ReferencePreset, type VisionShape } from './presets';
import { linearFill, biasFill, uniformFill } from './weights';

const FLOAT = TensorDataType.FLOAT;
const BOOL = TensorDataType.BOOL;

/** Indices [K] of the images to encode: those not all zero, or image 0 when none is. */
function realImageIndices(g: GraphBuilder, images: string): string {
  const scope = '/model';
  const magnitude = g.op(scope, 'ReduceMax', [g.op(scope, 'Abs', [images])], {
    attrs: { axes: [1, 2, 3], keepdims: 0 },
  });
  const isReal = g.op(scope, 'Cast', [g.op(scope, 'Greater', [magnitude, g.scalar(0)])], {
    attrs: { to: FLOAT },
  });
  const anyReal = g.op(scope, 'ReduceMax', [isReal], { attrs: { axes: [0], keepdims: 1 } });
  const count = g.op(scope, 'Gather', [g.op(scope, 'Shape', [images]), g.int64([0], [])], {
    attrs: { axis: 0 },
  });
  const index = g.op(scope, 'Range', [g.int64([0], []), count, g.int64([1], [])]);
  const isFirst = g.op(scope, 'Cast', [g.op(scope, 'Equal', [index, g.int64([0], [])])], {
    attrs: { to: FLOAT },
  });
  const fallback = g.op(scope, 'Mul', [isFirst, g.op(scope, 'Sub', [g.scalar(1), anyReal])]);
  const keep = g.op(scope, 'Cast', [g.op(scope, 'Max', [isReal, fallback])], {
    attrs: { to: BOOL },
  });
  return g.op(scope, 'Reshape', [g.op(scope, 'NonZero', [keep]), g.int64([-1])]);
}

/** Additive key bias [K, 1, 1, patches]: masks patches that contain no valid pixel. */
function patchBias(g: GraphBuilder, vision: VisionShape, mask: string, keep: string): string {
  const scope = '/model/vision_model';
  const size = vision.imageSize;
  const perImage = g.op(scope, 'Reshape', [mask, g.int64([-1, 1, size, size])]);
  const asFloat = g.op(scope, 'Cast', [perImage], { attrs: { to: FLOAT } });
  const kept = g.op(scope, 'Gather', [asFloat, keep], { attrs: { axis: 0 } });
  const p = vision.patchSize;
  const anyValid = g.op(scope, 'MaxPool', [kept], {
    attrs: { kernel_shape: [p, p], strides: [p, p] },
  });
  const flat = g.op(scope, 'Reshape', [anyValid, g.int64([0, -1])]);
  const invalid = g.op(scope, 'Sub', [g.scalar(1), flat]);
  const bias = g.op(scope, 'Mul', [invalid, g.scalar(FLOAT32_MIN)]);
  return g.op(scope, 'Unsqueeze', [bias, g.int64([1, 2])]);
}

function embeddings(
  g: GraphBuilder,
  seed: number,
  preset: ReferencePreset,
  images: string,
): string {
  const { hiddenSize, patchSize } = preset.vision;
  const scope = '/model/vision_model/embeddings';
  const param = 'model.vision_model.embeddings';
  const fanIn = 3 * patchSize * patchSize;
  const weight = g.weight(
    `${param}.patch_embedding.weight`,
    [hiddenSize, 3, patchSize, patchSize],
    linearFill(seed, `${param}.patch_embedding.weight`, fanIn),
  );
  const bias = g.weight(
    `${param}.patch_embedding.bias`,
    [hiddenSize],
    biasFill(seed, `${param}.patch_embedding.bias`),
  );
  const patches = g.op(`${scope}/patch_embedding`, 'Conv', [images, weight, bias], {
    attrs: { kernel_shape: [patchSize, patchSize], strides: [patchSize, patchSize] },
  });
  const flat = g.op(scope, 'Reshape', [patches, g.int64([0, 0, -1])]);
  const tokens = g.op(scope, 'Transpose', [flat], { attrs: { perm: [0, 2, 1] } });
  const count = patchesPerSide(preset) ** 2;
  const positions = g.weight(
    `${param}.position_embedding.weight`,
    [count, hiddenSize],
    uniformFill(seed, `${param}.position_embedding.weight`, 0.5),
  );
  return g.op(scope, 'Add', [tokens, positions]);
}

function encoderLayer(
  g: GraphBuilder,
  seed: number,
  vision: VisionShape,
  layer: number,
  x: string,
  bias: string,
): string {
  const { hiddenSize, numHeads, intermediateSize, layerNormEps } = vision;
  const headDim = hiddenSize / numHeads;
  const scope = `/model/vision_model/encoder/layers.${layer}`;
  const param = `model.vision_model.encoder.layers.${layer}`;
  const attn = `${scope}/self_attn`;

  const normed = layerNorm(
    g,
    seed,
    `${scope}/layer_norm1`,
    `${param}.layer_norm1`,
    x,
    hiddenSize,
    layerNormEps,
  );
  const project = (name: string) =>
    linear(
      g,
      seed,
      `${attn}/${name}`,
      `${param}.self_attn.${name}`,
      normed,
      hiddenSize,
      hiddenSize,
      { bias: true },
    );
  const split = (value: string, perm: number[]) =>
    g.op(attn, 'Transpose', [g.op(attn, 'Reshape', [value, g.int64([0, 0, numHeads, headDim])])], {
      attrs: { perm },
    });
  const q = split(project('q_proj'), [0, 2, 1, 3]);
  const kT = split(project('k_proj'), [0, 2, 3, 1]);
  const v = split(project('v_proj'), [0, 2, 1, 3]);
  const scores = g.op(attn, 'MatMul', [q, kT]);
  const scaled = g.op(attn, 'Mul', [scores, g.scalar(1 / Math.sqrt(headDim))]);
  const probs = g.op(attn, 'Softmax', [g.op(attn, 'Add', [scaled, bias])], { attrs: { axis: -1 } });
  const context = g.op(attn, 'Transpose', [g.op(attn, 'MatMul', [probs, v])], {
    attrs: { perm: [0, 2, 1, 3] },
  });
  const merged = g.op(attn, 'Reshape', [context, g.int64([0, 0, hiddenSize])]);
  const attended = linear(
    g,
    seed,
    `${attn}/out_proj`,
    `${param}.self_attn.out_proj`,
    merged,
    hiddenSize,
    hiddenSize,
    { bias: true },
  );
  const residual = g.op(scope, 'Add', [x, attended]);

  const normed2 = layerNorm(
    g,
    seed,
    `${scope}/layer_norm2`,
    `${param}.layer_norm2`,
    residual,
    hiddenSize,
    layerNormEps,
  );
  const up = linear(
    g,
    seed,
    `${scope}/mlp/fc1`,
    `${param}.mlp.fc1`,
    normed2,
    hiddenSize,
    intermediateSize,
    { bias: true },
  );
  const activated = geluTanh(g, `${scope}/mlp/activation_fn`, up);
  const down = linear(
    g,
    seed,
    `${scope}/mlp/fc2`,
    `${param}.mlp.fc2`,
    activated,
    intermediateSize,
    hiddenSize,
    { bias: true },
  );
  return g.op(scope, 'Add', [residual, down]);
}

/** Idefics3Connector.pixel_shuffle then modality_projection (no bias). */
function connector(g: GraphBuilder, seed: number, preset: ReferencePreset, x: string): string {
  const scope = '/model/connector';
  const side = patchesPerSide(preset);
  const s = preset.scaleFactor;
  const width = preset.vision.hiddenSize;
  const step1 = g.op(scope, 'Reshape', [x, g.int64([0, side, side / s, width * s])]);
  const step2 = g.op(scope, 'Transpose', [step1], { attrs: { perm: [0, 2, 1, 3] } });
  const step3 = g.op(scope, 'Reshape', [step2, g.int64([0, side / s, side / s, width * s * s])]);
  const step4 = g.op(scope, 'Transpose', [step3], { attrs: { perm: [0, 2, 1, 3] } });
  const shuffled = g.op(scope, 'Reshape', [
    step4,
    g.int64([0, imageSeqLen(preset), width * s * s]),
  ]);
  const param = 'model.connector.modality_projection.proj.weight';
  const weight = g.weight(
    param,
    [width * s * s, preset.text.hiddenSize],
    linearFill(seed, param, width * s * s),
  );
  const [features] = g.node(`${scope}/modality_projection/proj`, 'MatMul', [shuffled, weight], {
    outputs: ['image_features'],
  });
  return features;
}

export function buildVisionGraph(preset: ReferencePreset, seed: number, store: TensorStore) {
  const vision = preset.vision;
  const size = vision.imageSize;
  const g = new GraphBuilder('main_graph', store);
  const pixelValues = g.input('pixel_values', FLOAT, [
    'batch_size',
    'num_images',
    3,
    'height',
    'width',
  ]);
  const pixelMask = g.input('pixel_attention_mask', BOOL, [
    'batch_size',
    'num_images',
    'height',
    'width',
  ]);
  g.output('image_features', FLOAT, ['num_images', imageSeqLen(preset), preset.text.hiddenSize]);

  const all = g.op('/model', 'Reshape', [pixelValues, g.int64([-1, 3, size, size])]);
  const keep = realImageIndices(g, all);
  const images = g.op('/model', 'Gather', [all, keep], { attrs: { axis: 0 } });
  const bias = patchBias(g, vision, pixelMask, keep);

  let hidden = embeddings(g, seed, preset, images);
  for (let i = 0; i < vision.numLayers; i++)
    hidden = encoderLayer(g, seed, vision, i, hidden, bias);
  const normed = layerNorm(
    g,
    seed,
    '/model/vision_model/post_layernorm',
    'model.vision_model.post_layernorm',
    hidden,
    vision.hiddenSize,
    vision.layerNormEps,
  );
  connector(g, seed, preset, normed);
  return g.build();
}
