// A float16 graph with float32 inputs and outputs: weights and arithmetic in float16, a Cast
// after each float input and before each float output. This is the shape of the fp16
// decoders the Hub re-uploaded with "fp16 inputs wrapped": the file is `_fp16`, yet the
// session takes and returns float32, which only its metadata tells. Nodes the caller keeps
// in float32 (the rotary angles: position * inv_freq in float16 is off by whole radians at
// positions in the thousands, which exporters avoid by folding cos/sin in float32) stay
// float32, with a Cast where their outputs meet the float16 graph.
import type { OnnxModel, OnnxNode } from './model-io';
import type { InitializerReader } from './initializers';
import { AttributeType, TensorDataType } from './schema';

const FLOAT16_MAX = 65504;

function halfBits(values: Float32Array, toHalf: (v: number) => number): Uint8Array {
  const bits = new Uint16Array(values.length);
  // Out-of-range constants (the float32 mask minimum) saturate, as onnxconverter's
  // float16 conversion clamps them, instead of becoming infinities.
  for (let i = 0; i < values.length; i++)
    bits[i] = toHalf(Math.max(-FLOAT16_MAX, Math.min(FLOAT16_MAX, values[i])));
  return new Uint8Array(bits.buffer);
}

const cast = (input: string, output: string, to: number): OnnxNode => ({
  name: `float16_weights_cast_${output}`,
  op_type: 'Cast',
  input: [input],
  output: [output],
  attribute: [{ name: 'to', type: AttributeType.INT, i: to }],
});

function castTargetsToHalf(nodes: OnnxNode[]): void {
  for (const n of nodes)
    if (n.op_type === 'Cast')
      for (const a of n.attribute ?? [])
        if (a.name === 'to' && a.i === TensorDataType.FLOAT) a.i = TensorDataType.FLOAT16;
}

/** Float32 nodes' outputs read by float16 nodes go through a Cast to float16. */
function castKeptOutputs(model: OnnxModel, kept: Set<OnnxNode>): void {
  const graph = model.graph;
  const keptOutputs = new Set([...kept].flatMap((n) => n.output));
  const casts = new Map<string, OnnxNode>();
  for (const n of graph.node) {
    if (kept.has(n)) continue;
    n.input = n.input.map((name) => {
      if (!keptOutputs.has(name)) return name;
      const half = `${name}__float16`;
      if (!casts.has(name)) casts.set(name, cast(name, half, TensorDataType.FLOAT16));
      return half;
    });
  }
  // Each Cast goes right after the node that makes its input, keeping topological order.
  graph.node = graph.node.flatMap((n) => [
    n,
    ...n.output.flatMap((out) => (casts.has(out) ? [casts.get(out)!] : [])),
  ]);
}

/**
 * Rewrites `model` in place; `toHalf` converts one float32 to float16 bits; nodes for which
 * `keepFloat32` is true (and initializers only they read) stay float32.
 */
export function useFloat16Weights(
  model: OnnxModel,
  reader: InitializerReader,
  toHalf: (v: number) => number,
  keepFloat32: (node: OnnxNode) => boolean = () => false,
): void {
  const graph = model.graph;
  const kept = new Set(graph.node.filter(keepFloat32));
  const readByHalf = new Set(graph.node.filter((n) => !kept.has(n)).flatMap((n) => n.input));
  for (const tensor of graph.initializer ?? []) {
    if (tensor.data_type !== TensorDataType.FLOAT || !readByHalf.has(tensor.name)) continue;
    const values = reader.floats(tensor);
    tensor.raw_data = halfBits(values, toHalf);
    tensor.data_type = TensorDataType.FLOAT16;
    delete tensor.external_data;
    delete tensor.float_data;
    tensor.data_location = 0;
  }
  castTargetsToHalf(graph.node.filter((n) => !kept.has(n)));
  castKeptOutputs(model, kept);
  const isFloat = (type: number) => type === TensorDataType.FLOAT;
  const inside = (name: string) => `${name}__float16`;
  const inputs = new Set(
    graph.input.filter((i) => isFloat(i.type.tensor_type.elem_type)).map((i) => i.name),
  );
  const outputs = new Set(
    graph.output.filter((o) => isFloat(o.type.tensor_type.elem_type)).map((o) => o.name),
  );
  for (const n of graph.node) {
    n.input = n.input.map((name) => (inputs.has(name) || outputs.has(name) ? inside(name) : name));
    n.output = n.output.map((name) => (outputs.has(name) ? inside(name) : name));
  }
  // Shapes recorded inside the graph were float32; the runtime infers them again.
  graph.value_info = [];
  graph.node = [
    ...[...inputs].map((name) => cast(name, inside(name), TensorDataType.FLOAT16)),
    ...graph.node,
    ...[...outputs].map((name) => cast(inside(name), name, TensorDataType.FLOAT)),
  ];
}
