// Layer building blocks shared by the reference graphs, written with standard ONNX ops only
// (opset 17, nothing from com.microsoft) so any onnxruntime build runs them. Each block
// names its nodes under the module path the Hugging Face model uses.
import { float, type GraphBuilder } from '../onnx/graph-builder';
import { biasFill, linearFill, normScaleFill } from './weights';

/** The most negative float32: added to masked attention scores (as transformers does). */
export const FLOAT32_MIN = -3.4028234663852886e38;

/**
 * A linear layer `x @ W (+ b)`; the weight is stored [in, out] as exported MatMul weights
 * are, under the module's parameter name ("model.layers.0.self_attn.q_proj.weight").
 */
export function linear(
  g: GraphBuilder,
  seed: number,
  scope: string,
  param: string,
  x: string,
  inDim: number,
  outDim: number,
  options: { bias?: boolean; gain?: number } = {},
): string {
  const weight = g.weight(
    `${param}.weight`,
    [inDim, outDim],
    linearFill(seed, `${param}.weight`, inDim, options.gain),
  );
  const product = g.op(scope, 'MatMul', [x, weight]);
  if (!options.bias) return product;
  const bias = g.weight(`${param}.bias`, [outDim], biasFill(seed, `${param}.bias`));
  return g.op(scope, 'Add', [product, bias]);
}

/** Llama RMSNorm: x / sqrt(mean(x^2) + eps) * weight. */
export function rmsNorm(
  g: GraphBuilder,
  seed: number,
  scope: string,
  param: string,
  x: string,
  size: number,
  eps: number,
): string {
  const weight = g.weight(`${param}.weight`, [size], normScaleFill(seed, `${param}.weight`));
  const squared = g.op(scope, 'Pow', [x, g.scalar(2)]);
  const mean = g.op(scope, 'ReduceMean', [squared], { attrs: { axes: [-1], keepdims: 1 } });
  const shifted = g.op(scope, 'Add', [mean, g.scalar(eps)]);
  const root = g.op(scope, 'Sqrt', [shifted]);
  const normed = g.op(scope, 'Div', [x, root]);
  return g.op(scope, 'Mul', [weight, normed]);
}

/** LayerNorm with scale and bias over the last axis. */
export function layerNorm(
  g: GraphBuilder,
  seed: number,
  scope: string,
  param: string,
  x: string,
  size: number,
  eps: number,
): string {
  const scale = g.weight(`${param}.weight`, [size], normScaleFill(seed, `${param}.weight`));
  const bias = g.weight(`${param}.bias`, [size], biasFill(seed, `${param}.bias`));
  return g.op(scope, 'LayerNormalization', [x, scale, bias], {
    attrs: { axis: -1, epsilon: float(eps) },
  });
}

/** GELU, tanh approximation (SigLIP's gelu_pytorch_tanh); the Gelu op needs opset 20. */
export function geluTanh(g: GraphBuilder, scope: string, x: string): string {
  const cube = g.op(scope, 'Pow', [x, g.scalar(3)]);
  const scaledCube = g.op(scope, 'Mul', [cube, g.scalar(0.044715)]);
  const inner = g.op(scope, 'Add', [x, scaledCube]);
  const scaled = g.op(scope, 'Mul', [inner, g.scalar(Math.sqrt(2 / Math.PI))]);
  const tanh = g.op(scope, 'Tanh', [scaled]);
  const onePlus = g.op(scope, 'Add', [tanh, g.scalar(1)]);
  const half = g.op(scope, 'Mul', [x, g.scalar(0.5)]);
  return g.op(scope, 'Mul', [half, onePlus]);
}

/** SiLU: x * sigmoid(x). */
export function silu(g: GraphBuilder, scope: string, x: string): string {
  const sigmoid = g.op(scope, 'Sigmoid', [x]);
  return g.op(scope, 'Mul', [x, sigmoid]);
}
