// Rewrites of a float32 graph into the forms real quantized exports take, so the reference
// model can carry the same operators as the Hub's `_quantized`, `_q4` and `_fp16` files:
//   int8  every MatMul with a constant weight becomes DynamicQuantizeLinear + MatMulInteger
//         + Cast + Mul, named as onnxruntime's quantize_dynamic names them (weights int8,
//         symmetric per tensor, the activation quantized per call to uint8);
//   q4    every such MatMul becomes com.microsoft MatMulNBits (4 bits, blocks of 32 along
//         K, symmetric, no zero points), as onnxruntime's MatMul4BitsQuantizer writes it.
// Both keep each MatMul's output tensor name, as the quantizers do; node names change.
import type { OnnxModel, OnnxNode, OnnxTensor } from './model-io';
import { initializerMap, type InitializerReader } from './initializers';
import { AttributeType, TensorDataType } from './schema';

export const Q4_BLOCK_SIZE = 32;

interface ConstantMatMul {
  node: OnnxNode;
  weight: OnnxTensor;
  values: Float32Array;
  k: number;
  n: number;
}

/** MatMul nodes whose second input is a 2-D float32 initializer, with the weight's values. */
function constantMatMuls(model: OnnxModel, reader: InitializerReader): ConstantMatMul[] {
  const inits = initializerMap(model);
  return model.graph.node.flatMap((node) => {
    const weight = node.op_type === 'MatMul' ? inits.get(node.input[1]) : undefined;
    if (!weight || weight.data_type !== TensorDataType.FLOAT || weight.dims.length !== 2) return [];
    const [k, n] = weight.dims.map(Number);
    return [{ node, weight, values: reader.floats(weight), k, n }];
  });
}

function bytesTensor(name: string, dims: number[], dataType: number, bytes: Uint8Array) {
  return { name, dims, data_type: dataType, raw_data: bytes };
}

function floatTensor(name: string, dims: number[], values: Float32Array): OnnxTensor {
  return bytesTensor(name, dims, TensorDataType.FLOAT, new Uint8Array(values.buffer));
}

const node = (
  name: string,
  opType: string,
  input: string[],
  output: string[],
  extra: Partial<OnnxNode> = {},
): OnnxNode => ({ name, op_type: opType, input, output, attribute: [], ...extra });

/** Replaces matched nodes in place (keeping topological order) and drops the float weights. */
function replaceNodes(
  model: OnnxModel,
  matmuls: ConstantMatMul[],
  replace: (m: ConstantMatMul) => { nodes: OnnxNode[]; weights: OnnxTensor[] },
): void {
  const byNode = new Map(matmuls.map((m) => [m.node, m]));
  const added: OnnxTensor[] = [];
  model.graph.node = model.graph.node.flatMap((n) => {
    const m = byNode.get(n);
    if (!m) return [n];
    const { nodes, weights } = replace(m);
    added.push(...weights);
    return nodes;
  });
  const used = new Set(model.graph.node.flatMap((n) => n.input));
  model.graph.initializer = [
    ...(model.graph.initializer ?? []).filter((t) => used.has(t.name)),
    ...added,
  ];
}

/** Symmetric int8 per tensor, as quantize_dynamic's QInt8: scale = 2 * max|w| / 255, zero point 0. */
export function quantizeInt8(values: Float32Array): { q: Int8Array; scale: number } {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  const scale = max === 0 ? 1 : (2 * max) / 255;
  const q = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++)
    q[i] = Math.max(-128, Math.min(127, Math.round(values[i] / scale)));
  return { q, scale };
}

/** The int8 (q8) form: DynamicQuantizeLinear + MatMulInteger per MatMul with a constant weight. */
export function quantizeDynamicInt8(model: OnnxModel, reader: InitializerReader): number {
  const matmuls = constantMatMuls(model, reader);
  const quantizedInputs = new Set<string>();
  replaceNodes(model, matmuls, ({ node: mm, weight, values }) => {
    const a = mm.input[0];
    const out = mm.output[0];
    const nodes: OnnxNode[] = [];
    // One DynamicQuantizeLinear per activation, shared by the MatMuls that read it (q/k/v).
    if (!quantizedInputs.has(a)) {
      quantizedInputs.add(a);
      nodes.push(
        node(
          `${a}_QuantizeLinear`,
          'DynamicQuantizeLinear',
          [a],
          [`${a}_quantized`, `${a}_scale`, `${a}_zero_point`],
        ),
      );
    }
    const { q, scale } = quantizeInt8(values);
    const w = weight.name;
    const weights = [
      bytesTensor(`${w}_quantized`, weight.dims, TensorDataType.INT8, new Uint8Array(q.buffer)),
      floatTensor(`${w}_scale`, [], Float32Array.of(scale)),
      bytesTensor(`${w}_zero_point`, [], TensorDataType.INT8, new Uint8Array(1)),
    ];
    const quant = `${mm.name}_quant`;
    const integer = `${out}_output_quantized`;
    nodes.push(
      node(
        quant,
        'MatMulInteger',
        [`${a}_quantized`, `${w}_quantized`, `${a}_zero_point`, `${w}_zero_point`],
        [integer],
      ),
      node(`${integer}_cast`, 'Cast', [integer], [`${integer}_cast_output`], {
        attribute: [{ name: 'to', type: AttributeType.INT, i: TensorDataType.FLOAT }],
      }),
      node(`${quant}_scales_mul`, 'Mul', [`${a}_scale`, `${w}_scale`], [`${quant}_scales_mul:0`]),
      node(
        `${mm.name}_output_scale_mul`,
        'Mul',
        [`${integer}_cast_output`, `${quant}_scales_mul:0`],
        [out],
      ),
    );
    return { nodes, weights };
  });
  return matmuls.length;
}

/**
 * 4-bit blocks along K for each output column, as MatMulNBits takes them: B [N, blocks, 16]
 * (two values a byte, low nibble first), scales [N * blocks]; value = (q - 8) * scale.
 */
export function quantizeQ4(
  values: Float32Array,
  k: number,
  n: number,
  blockSize = Q4_BLOCK_SIZE,
): { packed: Uint8Array; scales: Float32Array; blocks: number } {
  const blocks = Math.ceil(k / blockSize);
  const blob = blockSize / 2;
  const packed = new Uint8Array(n * blocks * blob);
  const scales = new Float32Array(n * blocks);
  for (let col = 0; col < n; col++)
    for (let b = 0; b < blocks; b++) {
      const rows = Math.min(blockSize, k - b * blockSize);
      let amax = 0;
      for (let r = 0; r < rows; r++) {
        const v = values[(b * blockSize + r) * n + col];
        if (Math.abs(v) > Math.abs(amax)) amax = v;
      }
      // onnxruntime's symmetric rule: the largest-magnitude value maps to code 0.
      const scale = amax / -8;
      const inverse = scale === 0 ? 0 : 1 / scale;
      scales[col * blocks + b] = scale;
      for (let r = 0; r < rows; r++) {
        const v = values[(b * blockSize + r) * n + col];
        const code = Math.min(15, Math.max(0, Math.round(v * inverse + 8)));
        const at = (col * blocks + b) * blob + (r >> 1);
        packed[at] |= r & 1 ? code << 4 : code;
      }
      // Padding rows past K hold code 8 (zero), as the quantizer pads with zeros.
      for (let r = rows; r < blockSize; r++) {
        const at = (col * blocks + b) * blob + (r >> 1);
        packed[at] |= r & 1 ? 8 << 4 : 8;
      }
    }
  return { packed, scales, blocks };
}

/** The q4 form: com.microsoft MatMulNBits per MatMul with a constant weight. */
export function quantizeMatMulNBits(model: OnnxModel, reader: InitializerReader): number {
  const matmuls = constantMatMuls(model, reader);
  replaceNodes(model, matmuls, ({ node: mm, weight, values, k, n }) => {
    const { packed, scales, blocks } = quantizeQ4(values, k, n);
    const w = weight.name;
    const weights = [
      bytesTensor(`${w}_Q4`, [n, blocks, Q4_BLOCK_SIZE / 2], TensorDataType.UINT8, packed),
      floatTensor(`${w}_scales`, [n * blocks], scales),
    ];
    const int = (name: string, i: number) => ({ name, type: AttributeType.INT, i });
    const q4 = node(
      `${mm.name}_Q4`,
      'MatMulNBits',
      [mm.input[0], `${w}_Q4`, `${w}_scales`],
      mm.output,
      {
        domain: 'com.microsoft',
        attribute: [int('K', k), int('N', n), int('bits', 4), int('block_size', Q4_BLOCK_SIZE)],
      },
    );
    return { nodes: [q4], weights };
  });
  if (!model.opset_import.some((o) => o.domain === 'com.microsoft'))
    model.opset_import.push({ domain: 'com.microsoft', version: 1 });
  return matmuls.length;
}
