// Protocol Buffers wire format, read and written field by field. An ONNX model is one
// protobuf message; rewriting a few of its nodes needs only this, and every field the
// rewrite does not touch is written back byte for byte (no schema, so nothing is lost).

/** One field as it sits on the wire: its number, wire type and undecoded value. */
export interface Field {
  no: number;
  /** 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit. */
  wire: 0 | 1 | 2 | 5;
  /** A varint's value, or the bytes of any other wire type. */
  value: bigint | Uint8Array;
}

function readVarint(bytes: Uint8Array, at: number): [bigint, number] {
  let value = 0n;
  let shift = 0n;
  for (;;) {
    if (at >= bytes.length) throw new Error('protobuf: varint runs past the end');
    const byte = bytes[at++];
    value |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if (byte < 0x80) return [value, at];
  }
}

function writeVarint(value: bigint, out: number[]): void {
  let v = BigInt.asUintN(64, value);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

/** The fields of one message, in wire order. */
export function readFields(bytes: Uint8Array): Field[] {
  const fields: Field[] = [];
  let at = 0;
  while (at < bytes.length) {
    const [key, next] = readVarint(bytes, at);
    at = next;
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [value, end] = readVarint(bytes, at);
      fields.push({ no, wire, value });
      at = end;
      continue;
    }
    let length: number;
    if (wire === 2) {
      const [n, start] = readVarint(bytes, at);
      length = Number(n);
      at = start;
    } else if (wire === 1 || wire === 5) length = wire === 1 ? 8 : 4;
    else throw new Error(`protobuf: unsupported wire type ${wire} in field ${no}`);
    if (at + length > bytes.length) throw new Error(`protobuf: field ${no} runs past the end`);
    fields.push({ no, wire, value: bytes.subarray(at, at + length) });
    at += length;
  }
  return fields;
}

/** The values of a packed repeated varint field (ONNX writes `dims` and `ints` so). */
export function readPackedVarints(bytes: Uint8Array): bigint[] {
  const values: bigint[] = [];
  for (let at = 0; at < bytes.length; ) {
    const [value, next] = readVarint(bytes, at);
    values.push(value);
    at = next;
  }
  return values;
}

/** Encodes fields back into one message. */
export function writeFields(fields: Field[]): Uint8Array {
  const head: number[] = [];
  const parts: Uint8Array[] = [];
  let size = 0;
  const flush = () => {
    if (head.length === 0) return;
    parts.push(Uint8Array.from(head));
    size += head.length;
    head.length = 0;
  };
  for (const field of fields) {
    writeVarint(BigInt((field.no << 3) | field.wire), head);
    if (typeof field.value === 'bigint') {
      writeVarint(field.value, head);
      continue;
    }
    if (field.wire === 2) writeVarint(BigInt(field.value.length), head);
    flush();
    parts.push(field.value);
    size += field.value.length;
  }
  flush();
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function stringField(no: number, text: string): Field {
  return { no, wire: 2, value: encoder.encode(text) };
}

export function fieldText(field: Field): string {
  if (typeof field.value === 'bigint') throw new Error(`protobuf: field ${field.no} is a varint`);
  return decoder.decode(field.value);
}

export function floatField(no: number, value: number): Field {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setFloat32(0, value, true);
  return { no, wire: 5, value: bytes };
}

export function fieldFloat(field: Field): number {
  if (typeof field.value === 'bigint' || field.value.length !== 4)
    throw new Error(`protobuf: field ${field.no} is not a 32-bit float`);
  return new DataView(field.value.buffer, field.value.byteOffset, 4).getFloat32(0, true);
}
