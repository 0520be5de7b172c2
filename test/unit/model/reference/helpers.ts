// Shared by the reference model tests: a tiny model generated into a temp dir, and small
// onnxruntime helpers. Not a test file itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { generateReferenceModel, type GeneratedModel } from '../../../../engine/model/reference';

export const TINY = {
  layers: 2,
  hidden: 64,
  heads: 4,
  kvHeads: 2,
  headDim: 16,
  vocab: 512,
  ropeTheta: 100000,
  tile: 64,
  imageSeqLen: 16,
};

/** Generates the tiny model into a fresh temp dir; call cleanup() when done. */
export async function tinyModel(seed?: number): Promise<GeneratedModel & { cleanup(): void }> {
  const root = mkdtempSync(join(tmpdir(), 'vlm-ref-'));
  const generated = await generateReferenceModel({
    preset: 'tiny',
    outDir: join(root, 'tiny'),
    seed,
  });
  return { ...generated, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function session(dir: string, file: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(join(dir, 'onnx', file), { intraOpNumThreads: 1 });
}

export const int64 = (values: number[], dims: number[]) =>
  new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);

export function emptyPast(layers = TINY.layers, kvHeads = TINY.kvHeads, headDim = TINY.headDim) {
  const feeds: Record<string, ort.Tensor> = {};
  for (let i = 0; i < layers; i++) {
    for (const kind of ['key', 'value']) {
      feeds[`past_key_values.${i}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [
        1,
        kvHeads,
        0,
        headDim,
      ]);
    }
  }
  return feeds;
}

/** present.* outputs renamed to the past_key_values.* inputs of the next step. */
export function presentAsPast(outputs: ort.InferenceSession.OnnxValueMapType) {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, value] of Object.entries(outputs)) {
    if (name.startsWith('present.'))
      feeds[name.replace('present.', 'past_key_values.')] = value as ort.Tensor;
  }
  return feeds;
}

export async function embed(
  embedSession: ort.InferenceSession,
  ids: number[],
): Promise<ort.Tensor> {
  const out = await embedSession.run({ input_ids: int64(ids, [1, ids.length]) });
  return out.inputs_embeds as ort.Tensor;
}

/** Runs the decoder on `embeds` [1, n, hidden] at `positions`, attending past + new. */
export async function decode(
  decoder: ort.InferenceSession,
  embeds: ort.Tensor,
  positions: number[],
  past: Record<string, ort.Tensor>,
  pastLength: number,
  mask?: number[],
) {
  const total = pastLength + positions.length;
  return decoder.run({
    inputs_embeds: embeds,
    position_ids: int64(positions, [1, positions.length]),
    attention_mask: int64(mask ?? new Array(total).fill(1), [1, total]),
    ...past,
  });
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** A deterministic list of token ids below `limit`. */
export function tokenIds(count: number, limit: number, salt = 7): number[] {
  return Array.from({ length: count }, (_, i) => (i * 131 + salt * 17 + ((i * i) % 29)) % limit);
}

export function argmax(values: ArrayLike<number>, start: number, length: number): number {
  let best = start;
  for (let i = start; i < start + length; i++) if (values[i] > values[best]) best = i;
  return best - start;
}
