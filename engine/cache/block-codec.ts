// The byte form of a block, used in RAM (quantized) and on disk:
//   "VLMKVB01" | u32 header length | header JSON | representatives | per layer K then V
//   (codes, scales, mins) | sha256 of everything before it (32 bytes).
// The trailing checksum catches both corruption and truncation on every read.
import { createHash } from 'node:crypto';
import { layoutFromJson, layoutToJson, type LayoutJson } from '../model/positions';
import type { KvBlock } from './block';
import { dequantize, quantize, type QuantBits, type QuantizedTensor } from './quant';

const MAGIC = Buffer.from('VLMKVB01', 'ascii');
const CHECKSUM_BYTES = 32;

interface TensorHeader {
  axis: 'channel' | 'token';
  bits: QuantBits;
  dataBytes: number;
  groups: number;
}

interface BlockHeader {
  id: number;
  frameIndex: number;
  timeSec: number;
  tokenCount: number;
  keyPosition: number;
  /** Absent: one position per token. */
  layout?: LayoutJson;
  text?: string;
  untilSec?: number;
  heads: number;
  headDim: number;
  layers: number;
  repLength: number;
  tensors: TensorHeader[];
}

export class BlockIntegrityError extends Error {
  constructor(
    readonly where: string,
    detail: string,
  ) {
    super(`KV block ${where} failed its integrity check: ${detail}`);
    this.name = 'BlockIntegrityError';
  }
}

/** Encodes a block; keys per channel and values per token at the given precision. */
export function encodeBlock(
  block: KvBlock,
  bits: QuantBits,
  heads: number,
  headDim: number,
): Buffer {
  const tensors: QuantizedTensor[] = [];
  for (const layer of block.kv) {
    tensors.push(quantize(layer.key, heads, block.tokenCount, headDim, 'channel', bits));
    tensors.push(quantize(layer.value, heads, block.tokenCount, headDim, 'token', bits));
  }
  const header: BlockHeader = {
    id: block.id,
    frameIndex: block.frameIndex,
    timeSec: block.timeSec,
    tokenCount: block.tokenCount,
    keyPosition: block.keyPosition,
    ...(block.layout ? { layout: layoutToJson(block.layout) } : {}),
    text: block.text,
    untilSec: block.untilSec,
    heads,
    headDim,
    layers: block.kv.length,
    repLength: block.representatives[0]?.length ?? 0,
    tensors: tensors.map((t) => ({
      axis: t.axis,
      bits: t.bits,
      dataBytes: t.data.byteLength,
      groups: t.scale.length,
    })),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const parts: Uint8Array[] = [MAGIC, u32(headerBytes.length), headerBytes];
  for (const rep of block.representatives) parts.push(bytesOf(rep));
  for (const t of tensors) parts.push(t.data, bytesOf(t.scale), bytesOf(t.min));
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** Decodes and verifies a block; throws BlockIntegrityError naming `where` on any mismatch. */
export function decodeBlock(bytes: Buffer, where: string): KvBlock {
  if (bytes.length < MAGIC.length + 4 + CHECKSUM_BYTES)
    throw new BlockIntegrityError(where, `only ${bytes.length} bytes (truncated)`);
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  const expected = bytes.subarray(bytes.length - CHECKSUM_BYTES);
  if (!createHash('sha256').update(body).digest().equals(expected))
    throw new BlockIntegrityError(where, 'checksum mismatch (corrupted or truncated)');
  if (!body.subarray(0, MAGIC.length).equals(MAGIC))
    throw new BlockIntegrityError(where, 'not a KV block file (bad magic)');
  const headerLength = body.readUInt32LE(MAGIC.length);
  let at = MAGIC.length + 4;
  const header = JSON.parse(body.subarray(at, at + headerLength).toString('utf8')) as BlockHeader;
  at += headerLength;
  const take = (n: number) => {
    if (at + n > body.length)
      throw new BlockIntegrityError(where, 'sizes in header exceed the file');
    const copy = new Uint8Array(n);
    copy.set(body.subarray(at, at + n));
    at += n;
    return copy;
  };
  const floats = (n: number) => new Float32Array(take(n * 4).buffer);
  const representatives = Array.from({ length: header.layers }, () => floats(header.repLength));
  const kv = [];
  for (let l = 0; l < header.layers; l++) {
    const [k, v] = [0, 1].map((i) => {
      const t = header.tensors[2 * l + i];
      const data = take(t.dataBytes);
      const scale = floats(t.groups);
      const min = floats(t.groups);
      return dequantize({
        ...t,
        heads: header.heads,
        length: header.tokenCount,
        headDim: header.headDim,
        data,
        scale,
        min,
      });
    });
    kv.push({ key: k, value: v });
  }
  return {
    id: header.id,
    frameIndex: header.frameIndex,
    timeSec: header.timeSec,
    tokenCount: header.tokenCount,
    keyPosition: header.keyPosition,
    ...(header.layout ? { layout: layoutOf(header, where) } : {}),
    text: header.text,
    untilSec: header.untilSec,
    representatives,
    kv,
  };
}

function layoutOf(header: BlockHeader, where: string) {
  try {
    return layoutFromJson(header.layout!, header.tokenCount);
  } catch (error) {
    throw new BlockIntegrityError(where, (error as Error).message);
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function bytesOf(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
