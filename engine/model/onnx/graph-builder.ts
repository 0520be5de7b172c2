// Builds an ONNX graph node by node with the naming torch.onnx / Optimum exports use: a node
// is named after its module scope and op type ("/model/layers.0/self_attn/q_proj/MatMul",
// a repeat in the same scope gets "_1", "_2", ...), and its outputs are "<node name>_output_<i>".
// Tools that look for a node by name (graph surgery on q_proj) work the same on real exports
// and on graphs built here.
import type {
  OnnxAttribute,
  OnnxDimension,
  OnnxModel,
  OnnxNode,
  OnnxTensor,
  OnnxValueInfo,
} from './model-io';
import { AttributeType, TensorDataType } from './schema';
import type { FloatFill, TensorStore } from './tensor-store';

/** A float attribute (plain numbers are ints). */
export interface FloatAttr {
  float: number;
}
export const float = (value: number): FloatAttr => ({ float: value });

export type AttrValue = number | number[] | string | FloatAttr | OnnxTensor;

export const OPSET = 17;
/** IR version 8 goes with opset 17 (onnx 1.12+). */
const IR_VERSION = 8;

function attribute(name: string, value: AttrValue): OnnxAttribute {
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if (typeof value === 'string')
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.TENSOR, t: value };
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): OnnxValueInfo {
  const dim: OnnxDimension[] = dims.map((d) =>
    typeof d === 'number' ? { dim_value: d } : { dim_param: d },
  );
  return { name, type: { tensor_type: { elem_type: elemType, shape: { dim } } } };
}

export interface NodeOptions {
  attrs?: Record<string, AttrValue>;
  /** Names for the outputs (graph outputs such as "logits"); default "<node>_output_<i>". */
  outputs?: string[];
  /** Number of outputs when `outputs` is not given. */
  outputCount?: number;
}

export class GraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensor[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private readonly nameCounts = new Map<string, number>();
  private readonly constants = new Map<string, string>();

  constructor(
    readonly name: string,
    private readonly store: TensorStore,
  ) {}

  input(name: string, elemType: number, dims: (number | string)[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Declares a graph output; some node must produce a value of this name. */
  output(name: string, elemType: number, dims: (number | string)[]): string {
    this.outputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Adds a node in `scope` ("/model/layers.0/mlp") and returns its output names. */
  node(scope: string, opType: string, inputs: string[], options: NodeOptions = {}): string[] {
    const base = `${scope}/${opType}`;
    const seen = this.nameCounts.get(base) ?? 0;
    this.nameCounts.set(base, seen + 1);
    const nodeName = seen === 0 ? base : `${base}_${seen}`;
    const outputs =
      options.outputs ??
      Array.from({ length: options.outputCount ?? 1 }, (_, i) => `${nodeName}_output_${i}`);
    const attributes = Object.entries(options.attrs ?? {}).map(([key, value]) =>
      attribute(key, value),
    );
    this.nodes.push({
      name: nodeName,
      op_type: opType,
      input: inputs,
      output: outputs,
      attribute: attributes,
    });
    return outputs;
  }

  /** A node with one output; returns that output's name. */
  op(scope: string, opType: string, inputs: string[], options: NodeOptions = {}): string {
    return this.node(scope, opType, inputs, options)[0];
  }

  /** A float32 weight, filled chunk by chunk (inline or external, as the store decides). */
  weight(name: string, dims: number[], fill: FloatFill): string {
    this.initializers.push(this.store.addFloat(name, dims, fill));
    return name;
  }

  /** A float32 constant from values; small, always inside the model file. */
  floatConstant(name: string, dims: number[], values: ArrayLike<number>): string {
    const data = Float32Array.from(values);
    this.initializers.push({
      name,
      dims,
      data_type: TensorDataType.FLOAT,
      raw_data: new Uint8Array(data.buffer),
    });
    return name;
  }

  /** An int64 constant (shapes, axes, indices), shared by value across the graph. */
  int64(values: number[], dims: number[] = [values.length]): string {
    const key = `i64:${dims.join('x')}:${values.join(',')}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = `const_int64_${this.constants.size}`;
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({
      name,
      dims,
      data_type: TensorDataType.INT64,
      raw_data: new Uint8Array(data.buffer),
    });
    this.constants.set(key, name);
    return name;
  }

  /** A float32 scalar constant, shared by value. */
  scalar(value: number): string {
    const key = `f32:${value}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = `const_float_${this.constants.size}`;
    this.floatConstant(name, [], [value]);
    this.constants.set(key, name);
    return name;
  }

  /** The finished model. */
  build(producer = 'vlm-stream reference generator'): OnnxModel {
    return {
      ir_version: IR_VERSION,
      opset_import: [{ domain: '', version: OPSET }],
      producer_name: producer,
      producer_version: '1',
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
  }
}
