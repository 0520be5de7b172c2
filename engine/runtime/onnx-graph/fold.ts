// Folds the element-wise arithmetic paddle2onnx spells out around each convolution of
// PP-LCNetV3 (the backbone of PaddleOCR's v4 models) into fewer, cheaper nodes:
//
//   Conv -> Mul(a) -> Add(b)                   a learnable scale and shift: into the Conv's
//                                              weights and bias;
//   Add(3) -> Clip(0, 6) -> Mul(x) -> Div(6)   hard-swish, four passes over the tensor:
//                                              HardSigmoid and Mul, two passes;
//   Mul(s) -> Add(d) -> Conv 1x1               a scale and shift before a pointwise Conv:
//                                              into its weights and bias;
//   Mul(s) -> Add(d) -> padded Conv            the same before a Conv with zero padding,
//                                              which would not be shifted: one per-channel
//                                              1x1 Conv.
//
// onnxruntime keeps each of these as separate element-wise passes, and lays the tensor out
// again for its blocked convolutions around every one; on the v4 recognizer they took about
// a third of its time. The folded model computes the same function, up to float rounding.
import {
  constantNode,
  constantTensor,
  type FloatTensor,
  floatAttribute,
  intAttribute,
  intsAttribute,
  node,
  type OnnxModel,
  type OnnxNode,
  attributeFloat,
  attributeInt,
  attributeInts,
  readModel,
  writeModel,
} from './model';

/** How many of each pattern a fold replaced. */
export interface FoldReport {
  scaleAfterConv: number;
  hardSwish: number;
  scaleBeforePointwiseConv: number;
  scaleAsChannelConv: number;
}

/** Where each value comes from and goes to, rebuilt before each pass. */
class GraphIndex {
  readonly producer = new Map<string, OnnxNode>();
  readonly consumers = new Map<string, OnnxNode[]>();
  /** Nodes the pass rewrote, with what takes their place when it ends. */
  readonly replacements = new Map<OnnxNode, OnnxNode[]>();

  constructor(readonly model: OnnxModel) {
    for (const n of model.nodes) {
      for (const out of n.outputs) this.producer.set(out, n);
      for (const input of n.inputs) {
        if (!this.consumers.has(input)) this.consumers.set(input, []);
        this.consumers.get(input)!.push(n);
      }
    }
  }

  /** The one node reading `value`, when exactly one does and it is no graph output. */
  soleConsumer(value: string): OnnxNode | undefined {
    const readers = this.consumers.get(value);
    if (!readers || readers.length !== 1 || this.model.graphOutputs.has(value)) return undefined;
    return readers[0];
  }

  producerOf(value: string): OnnxNode | undefined {
    return this.producer.get(value);
  }

  /** The float constant `value`, when a Constant node makes it. */
  constant(value: string): FloatTensor | undefined {
    const n = this.producerOf(value);
    return n && constantTensor(n);
  }

  scalar(value: string): number | undefined {
    const tensor = this.constant(value);
    return tensor && tensor.data.length === 1 ? tensor.data[0] : undefined;
  }

  /** For a binary node, the input that is not `value` when it is a scalar constant. */
  otherScalar(n: OnnxNode, value: string): number | undefined {
    if (n.inputs.length !== 2 || !n.inputs.includes(value)) return undefined;
    const other = n.inputs[0] === value ? n.inputs[1] : n.inputs[0];
    return other === value ? undefined : this.scalar(other);
  }

  /** A weight or bias constant that only `reader` uses, so it may be rewritten. */
  ownedConstant(value: string | undefined, reader: OnnxNode): FloatTensor | undefined {
    if (value === undefined || this.soleConsumer(value) !== reader) return undefined;
    return this.constant(value);
  }

  /** Makes the Constant producing `value` produce `tensor` when the pass ends. */
  replace(value: string, tensor: FloatTensor): void {
    this.replacements.set(this.producer.get(value)!, [constantNode(value, tensor)]);
  }
}

/** Applies every fold to `model` in place. */
export function foldElementwise(model: OnnxModel): FoldReport {
  const report = {
    scaleAfterConv: runPass(model, foldScaleAfterConv),
    hardSwish: runPass(model, foldHardSwish),
    scaleBeforePointwiseConv: runPass(model, foldScaleBeforePointwiseConv),
    scaleAsChannelConv: runPass(model, scaleAsChannelConv),
  };
  dropUnusedConstants(model);
  return report;
}

/** The folded model's bytes; `bytes` unchanged when no pattern is found. */
export function foldModel(bytes: Uint8Array): { bytes: Uint8Array; report: FoldReport } {
  const model = readModel(bytes);
  const report = foldElementwise(model);
  const folded = Object.values(report).some((n) => n > 0);
  return { bytes: folded ? writeModel(model) : bytes, report };
}

/** Removes the scalars the folds took in: onnxruntime warns of every unused one. */
function dropUnusedConstants(model: OnnxModel): void {
  const used = new Set(model.nodes.flatMap((n) => n.inputs));
  model.nodes = model.nodes.filter(
    (n) => n.op !== 'Constant' || n.outputs.some((o) => used.has(o) || model.graphOutputs.has(o)),
  );
}

type Fold = (index: GraphIndex, n: OnnxNode, removed: Set<OnnxNode>) => boolean;

function runPass(model: OnnxModel, fold: Fold): number {
  const index = new GraphIndex(model);
  const removed = new Set<OnnxNode>();
  let count = 0;
  for (const n of model.nodes) if (!removed.has(n) && fold(index, n, removed)) count++;
  model.nodes = model.nodes.flatMap((n) =>
    removed.has(n) ? [] : (index.replacements.get(n) ?? [n]),
  );
  return count;
}

/** A Conv's weight and bias, when it has both and only the Conv uses them. */
function convParameters(index: GraphIndex, conv: OnnxNode) {
  const weight = index.ownedConstant(conv.inputs[1], conv);
  const bias = index.ownedConstant(conv.inputs[2], conv);
  if (!weight || weight.dims.length !== 4 || bias?.data.length !== weight.dims[0]) return undefined;
  return { weight, bias: bias.data };
}

function setConvParameters(
  index: GraphIndex,
  conv: OnnxNode,
  weight: FloatTensor,
  bias: Float32Array,
) {
  index.replace(conv.inputs[1], weight);
  index.replace(conv.inputs[2], { dims: [bias.length], data: bias });
}

const foldScaleAfterConv: Fold = (index, conv, removed) => {
  if (conv.op !== 'Conv') return false;
  const mul = index.soleConsumer(conv.outputs[0]);
  if (mul?.op !== 'Mul') return false;
  const scale = index.otherScalar(mul, conv.outputs[0]);
  const add = index.soleConsumer(mul.outputs[0]);
  if (scale === undefined || add?.op !== 'Add') return false;
  const shift = index.otherScalar(add, mul.outputs[0]);
  const params = convParameters(index, conv);
  if (shift === undefined || !params) return false;
  const weight = { dims: params.weight.dims, data: params.weight.data.map((w) => w * scale) };
  const bias = params.bias.map((b) => b * scale + shift);
  conv.outputs = [add.outputs[0]];
  removed.add(mul).add(add);
  setConvParameters(index, conv, weight, bias);
  return true;
};

/** Clip's bounds: attributes before opset 11, constant inputs from then on. */
function clipBounds(index: GraphIndex, clip: OnnxNode): [number, number] | undefined {
  const bound = (name: string, input: number) =>
    floatAttribute(clip, name) ??
    (clip.inputs[input] ? index.scalar(clip.inputs[input]) : undefined);
  const min = bound('min', 1);
  const max = bound('max', 2);
  return min === undefined || max === undefined ? undefined : [min, max];
}

const foldHardSwish: Fold = (index, add, removed) => {
  if (add.op !== 'Add' || index.otherScalar(add, add.inputs[0]) !== 3) return false;
  const x = add.inputs[0];
  const clip = index.soleConsumer(add.outputs[0]);
  if (clip?.op !== 'Clip') return false;
  const bounds = clipBounds(index, clip);
  const mul = index.soleConsumer(clip.outputs[0]);
  if (!bounds || bounds[0] !== 0 || bounds[1] !== 6 || mul?.op !== 'Mul') return false;
  if (!mul.inputs.includes(x) || !mul.inputs.includes(clip.outputs[0])) return false;
  const div = index.soleConsumer(mul.outputs[0]);
  if (div?.op !== 'Div' || div.inputs[0] !== mul.outputs[0] || index.scalar(div.inputs[1]) !== 6)
    return false;
  // x * clip(x + 3, 0, 6) / 6 == x * clip(x / 6 + 1/2, 0, 1) == x * HardSigmoid(x).
  const gate = clip.outputs[0];
  Object.assign(
    add,
    node('HardSigmoid', [x], [gate], [attributeFloat('alpha', 1 / 6), attributeFloat('beta', 0.5)]),
  );
  mul.inputs = [x, gate];
  mul.outputs = [div.outputs[0]];
  removed.add(clip).add(div);
  return true;
};

function isPointwise(conv: OnnxNode): boolean {
  const kernel = intsAttribute(conv, 'kernel_shape');
  const group = intAttribute(conv, 'group') ?? 1;
  const pads = intsAttribute(conv, 'pads') ?? [];
  return (
    kernel?.length === 2 &&
    kernel.every((k) => k === 1) &&
    group === 1 &&
    pads.every((p) => p === 0)
  );
}

/** A scale and shift by scalars whose result only a Conv reads, starting at `mul`. */
function scaleBeforeConv(index: GraphIndex, mul: OnnxNode) {
  if (mul.op !== 'Mul' || mul.inputs.length !== 2) return undefined;
  const at = mul.inputs.findIndex((input) => index.scalar(input) !== undefined);
  if (at < 0) return undefined;
  const scale = index.scalar(mul.inputs[at])!;
  const input = mul.inputs[1 - at];
  const add = index.soleConsumer(mul.outputs[0]);
  if (add?.op !== 'Add') return undefined;
  const shift = index.otherScalar(add, mul.outputs[0]);
  const conv = index.soleConsumer(add.outputs[0]);
  if (shift === undefined || conv?.op !== 'Conv' || conv.inputs[0] !== add.outputs[0])
    return undefined;
  return { scale, shift, input, add, conv };
}

const foldScaleBeforePointwiseConv: Fold = (index, mul, removed) => {
  const found = scaleBeforeConv(index, mul);
  if (!found || !isPointwise(found.conv)) return false;
  const { scale, shift, input, add, conv } = found;
  const params = convParameters(index, conv);
  if (!params) return false;
  // conv(s*h + d) = conv_{s*W}(h) + d * (sum of each output channel's weights).
  const [outChannels] = params.weight.dims;
  const perOutput = params.weight.data.length / outChannels;
  const bias = params.bias.map((b, o) => {
    let sum = 0;
    for (let i = 0; i < perOutput; i++) sum += params.weight.data[o * perOutput + i];
    return b + shift * sum;
  });
  const weight = { dims: params.weight.dims, data: params.weight.data.map((w) => w * scale) };
  conv.inputs = [input, ...conv.inputs.slice(1)];
  removed.add(mul).add(add);
  setConvParameters(index, conv, weight, bias);
  return true;
};

/**
 * A scale and shift before a padded Conv cannot go into its weights (the zero padding is
 * not shifted), but it can run as a per-channel 1x1 Conv: one pass that onnxruntime keeps in
 * its blocked layout, where a Mul and an Add cost two passes and two layout changes.
 */
const scaleAsChannelConv: Fold = (index, mul, removed) => {
  const found = scaleBeforeConv(index, mul);
  const weight = found && index.constant(found.conv.inputs[1]);
  if (!found || !weight || weight.dims.length !== 4) return false;
  const { scale, shift, input, add } = found;
  const channels = weight.dims[1] * (intAttribute(found.conv, 'group') ?? 1);
  const name = add.outputs[0];
  const scales = { dims: [channels, 1, 1, 1], data: new Float32Array(channels).fill(scale) };
  const shifts = { dims: [channels], data: new Float32Array(channels).fill(shift) };
  const channelConv = node(
    'Conv',
    [input, `${name}.scale`, `${name}.shift`],
    [name],
    [attributeInt('group', channels), attributeInts('kernel_shape', [1, 1])],
  );
  index.replacements.set(mul, [
    constantNode(`${name}.scale`, scales),
    constantNode(`${name}.shift`, shifts),
    channelConv,
  ]);
  removed.add(add);
  return true;
};
