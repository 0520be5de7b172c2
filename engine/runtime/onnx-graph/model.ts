// An ONNX model as a list of nodes that can be rewritten and written back. Only what the
// rewrites need is decoded (op type, inputs, outputs, attributes, float constants); every
// other field of the model, the graph and each node is kept as read.
import {
  type Field,
  fieldFloat,
  fieldText,
  floatField,
  readFields,
  readPackedVarints,
  stringField,
  writeFields,
} from './protobuf';

// Field numbers from onnx.proto.
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_OUTPUT = 12;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const ATTRIBUTE_NAME = 1;
const ATTRIBUTE_FLOAT = 2;
const ATTRIBUTE_TENSOR = 5;
const ATTRIBUTE_INT = 3;
const ATTRIBUTE_INTS = 8;
const ATTRIBUTE_TYPE = 20;
// AttributeProto.AttributeType values.
const TYPE_FLOAT = 1n;
const TYPE_INT = 2n;
const TYPE_TENSOR = 4n;
const TYPE_INTS = 7n;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_FLOAT_DATA = 4;
const TENSOR_NAME = 8;
const TENSOR_RAW_DATA = 9;
const TENSOR_FLOAT = 1n;
const VALUE_INFO_NAME = 1;

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  /** The node's other fields (name, attributes, domain), as read. */
  rest: Field[];
}

export interface OnnxModel {
  nodes: OnnxNode[];
  /** Names the graph outputs: values a rewrite must keep. */
  graphOutputs: Set<string>;
  modelFields: Field[];
  graphFields: Field[];
}

/** A float tensor held by a Constant node. */
export interface FloatTensor {
  dims: number[];
  data: Float32Array;
}

function bytesOf(field: Field): Uint8Array {
  if (typeof field.value === 'bigint') throw new Error(`onnx: field ${field.no} is not a message`);
  return field.value;
}

function readNode(bytes: Uint8Array): OnnxNode {
  const node: OnnxNode = { op: '', inputs: [], outputs: [], rest: [] };
  for (const field of readFields(bytes)) {
    if (field.no === NODE_INPUT) node.inputs.push(fieldText(field));
    else if (field.no === NODE_OUTPUT) node.outputs.push(fieldText(field));
    else {
      if (field.no === NODE_OP_TYPE) node.op = fieldText(field);
      node.rest.push(field);
    }
  }
  return node;
}

function writeNode(node: OnnxNode): Uint8Array {
  return writeFields([
    ...node.inputs.map((name) => stringField(NODE_INPUT, name)),
    ...node.outputs.map((name) => stringField(NODE_OUTPUT, name)),
    ...node.rest,
  ]);
}

export function readModel(bytes: Uint8Array): OnnxModel {
  const modelFields = readFields(bytes);
  const graph = modelFields.find((f) => f.no === MODEL_GRAPH);
  if (!graph) throw new Error('onnx: the model has no graph');
  const graphFields = readFields(bytesOf(graph));
  const nodes = graphFields.filter((f) => f.no === GRAPH_NODE).map((f) => readNode(bytesOf(f)));
  const graphOutputs = new Set(
    graphFields
      .filter((f) => f.no === GRAPH_OUTPUT)
      .flatMap((f) => readFields(bytesOf(f)).filter((v) => v.no === VALUE_INFO_NAME))
      .map(fieldText),
  );
  return { nodes, graphOutputs, modelFields, graphFields };
}

export function writeModel(model: OnnxModel): Uint8Array {
  const graph = writeFields([
    ...model.nodes.map((node): Field => ({ no: GRAPH_NODE, wire: 2, value: writeNode(node) })),
    ...model.graphFields.filter((f) => f.no !== GRAPH_NODE),
  ]);
  return writeFields(
    model.modelFields.map((f) => (f.no === MODEL_GRAPH ? { ...f, value: graph } : f)),
  );
}

/** The fields of a node's attribute, or undefined when it has none of that name. */
function attribute(node: OnnxNode, name: string): Field[] | undefined {
  for (const field of node.rest) {
    if (field.no !== NODE_ATTRIBUTE) continue;
    const fields = readFields(bytesOf(field));
    const named = fields.find((f) => f.no === ATTRIBUTE_NAME);
    if (named && fieldText(named) === name) return fields;
  }
  return undefined;
}

/** An INTS attribute's values (kernel_shape, pads...), or undefined. */
export function intsAttribute(node: OnnxNode, name: string): number[] | undefined {
  const fields = attribute(node, name);
  if (!fields) return undefined;
  return fields.filter((f) => f.no === ATTRIBUTE_INTS).flatMap(varints);
}

/** A FLOAT attribute's value (Clip's min and max before opset 11...), or undefined. */
export function floatAttribute(node: OnnxNode, name: string): number | undefined {
  const field = attribute(node, name)?.find((f) => f.no === ATTRIBUTE_FLOAT);
  return field && fieldFloat(field);
}

/** An INT attribute's value (group, axis...), or undefined. */
export function intAttribute(node: OnnxNode, name: string): number | undefined {
  const field = attribute(node, name)?.find((f) => f.no === ATTRIBUTE_INT);
  return field && varints(field)[0];
}

function varints(field: Field): number[] {
  const values = typeof field.value === 'bigint' ? [field.value] : readPackedVarints(field.value);
  return values.map((v) => Number(BigInt.asIntN(64, v)));
}

/** The float tensor a Constant node outputs, or undefined for any other node. */
export function constantTensor(node: OnnxNode): FloatTensor | undefined {
  if (node.op !== 'Constant') return undefined;
  const value = attribute(node, 'value')?.find((f) => f.no === ATTRIBUTE_TENSOR);
  if (!value) return undefined;
  const tensor = readFields(bytesOf(value));
  const type = tensor.find((f) => f.no === TENSOR_DATA_TYPE)?.value;
  if (type !== TENSOR_FLOAT) return undefined;
  const dims = tensor.filter((f) => f.no === TENSOR_DIMS).flatMap(varints);
  const raw = tensor.find((f) => f.no === TENSOR_RAW_DATA || f.no === TENSOR_FLOAT_DATA);
  if (!raw) return undefined;
  // A copy, aligned for floats (a Buffer's slice() would share the file's memory).
  const bytes = new Uint8Array(bytesOf(raw));
  return { dims, data: new Float32Array(bytes.buffer, 0, bytes.length / 4) };
}

/** A Constant node that outputs `tensor` as `output`. */
export function constantNode(output: string, tensor: FloatTensor): OnnxNode {
  const data = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  const value = writeFields([
    ...tensor.dims.map((d): Field => ({ no: TENSOR_DIMS, wire: 0, value: BigInt(d) })),
    { no: TENSOR_DATA_TYPE, wire: 0, value: TENSOR_FLOAT },
    stringField(TENSOR_NAME, output),
    { no: TENSOR_RAW_DATA, wire: 2, value: Uint8Array.from(data) },
  ]);
  return node(
    'Constant',
    [],
    [output],
    [
      writeFields([
        stringField(ATTRIBUTE_NAME, 'value'),
        { no: ATTRIBUTE_TENSOR, wire: 2, value },
        typeField(TYPE_TENSOR),
      ]),
    ],
  );
}

/** A node of the default domain with the given encoded attributes. */
export function node(
  op: string,
  inputs: string[],
  outputs: string[],
  attributes: Uint8Array[] = [],
): OnnxNode {
  return {
    op,
    inputs,
    outputs,
    rest: [
      stringField(NODE_OP_TYPE, op),
      ...attributes.map((value): Field => ({ no: NODE_ATTRIBUTE, wire: 2, value })),
    ],
  };
}

/** An encoded FLOAT attribute. */
export function attributeFloat(name: string, value: number): Uint8Array {
  return writeFields([
    stringField(ATTRIBUTE_NAME, name),
    floatField(ATTRIBUTE_FLOAT, value),
    typeField(TYPE_FLOAT),
  ]);
}

/** An encoded INT attribute. */
export function attributeInt(name: string, value: number): Uint8Array {
  return writeFields([
    stringField(ATTRIBUTE_NAME, name),
    { no: ATTRIBUTE_INT, wire: 0, value: BigInt(value) },
    typeField(TYPE_INT),
  ]);
}

/** An encoded INTS attribute. */
export function attributeInts(name: string, values: number[]): Uint8Array {
  return writeFields([
    stringField(ATTRIBUTE_NAME, name),
    ...values.map((v): Field => ({ no: ATTRIBUTE_INTS, wire: 0, value: BigInt(v) })),
    typeField(TYPE_INTS),
  ]);
}

function typeField(type: bigint): Field {
  return { no: ATTRIBUTE_TYPE, wire: 0, value: type };
}
