// The merged decoder of the tiny reference model: incremental decoding with past_key_values
// reproduces full recomputation, present keys come out RoPE-rotated at their positions, the
// attention mask hides tokens, and the logits are informative (greedy decoding varies).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as ort from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import {
  TINY,
  argmax,
  decode,
  embed,
  emptyPast,
  maxAbsDiff,
  presentAsPast,
  session,
  tinyModel,
  tokenIds,
} from './helpers';

let model: Awaited<ReturnType<typeof tinyModel>>;
let decoder: ort.InferenceSession;
let embedder: ort.InferenceSession;

before(async () => {
  model = await tinyModel();
  decoder = await session(model.dir, 'decoder_model_merged.onnx');
  embedder = await session(model.dir, 'embed_tokens.onnx');
});

after(async () => {
  await decoder?.release();
  await embedder?.release();
  model?.cleanup();
});

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

function rows(tensor: ort.Tensor, from: number, count: number): Float32Array {
  const width = tensor.dims[2];
  return (tensor.data as Float32Array).slice(from * width, (from + count) * width);
}

test('decoder inputs and outputs have the documented names', () => {
  const past = range(0, TINY.layers).flatMap((i) => [
    `past_key_values.${i}.key`,
    `past_key_values.${i}.value`,
  ]);
  assert.deepEqual(decoder.inputNames, [
    'inputs_embeds',
    'attention_mask',
    'position_ids',
    ...past,
  ]);
  const present = range(0, TINY.layers).flatMap((i) => [`present.${i}.key`, `present.${i}.value`]);
  assert.deepEqual(decoder.outputNames, ['logits', ...present]);
  assert.deepEqual(embedder.inputNames, ['input_ids']);
  assert.deepEqual(embedder.outputNames, ['inputs_embeds']);
});

test('incremental decoding over 32 steps reproduces the full-sequence logits (max abs diff <= 1e-4)', async () => {
  const prompt = 4;
  const steps = 32;
  const ids = tokenIds(prompt + steps, TINY.vocab);
  const embeds = await embed(embedder, ids);
  const full = await decode(decoder, embeds, range(0, ids.length), emptyPast(), 0);
  assert.deepEqual(full.logits.dims, [1, ids.length, TINY.vocab]);
  assert.deepEqual(full['present.1.key'].dims, [1, TINY.kvHeads, ids.length, TINY.headDim]);

  let out = await decode(
    decoder,
    await embed(embedder, ids.slice(0, prompt)),
    range(0, prompt),
    emptyPast(),
    0,
  );
  let worst = maxAbsDiff(
    rows(out.logits as Tensor, 0, prompt),
    rows(full.logits as Tensor, 0, prompt),
  );
  for (let step = prompt; step < ids.length; step++) {
    out = await decode(
      decoder,
      await embed(embedder, [ids[step]]),
      [step],
      presentAsPast(out),
      step,
    );
    assert.deepEqual(out['present.0.value'].dims, [1, TINY.kvHeads, step + 1, TINY.headDim]);
    worst = Math.max(
      worst,
      maxAbsDiff(rows(out.logits as Tensor, 0, 1), rows(full.logits as Tensor, step, 1)),
    );
  }
  assert.ok(worst <= 1e-4, `max abs diff ${worst}`);
  // The cache after the last step equals the keys of the full pass.
  for (let i = 0; i < TINY.layers; i++) {
    const diff = maxAbsDiff(
      out[`present.${i}.key`].data as Float32Array,
      full[`present.${i}.key`].data as Float32Array,
    );
    assert.ok(diff <= 1e-4, `layer ${i} keys differ by ${diff}`);
  }
});

/** Rotates every key [1, kv, n, d] by `delta` positions (rotate-half convention). */
function rotateKeys(
  keys: Float32Array,
  headDim: number,
  delta: number,
  theta: number,
): Float32Array {
  const half = headDim / 2;
  const out = new Float32Array(keys.length);
  for (let base = 0; base < keys.length; base += headDim) {
    for (let i = 0; i < half; i++) {
      const angle = delta / theta ** ((2 * i) / headDim);
      const [x1, x2] = [keys[base + i], keys[base + half + i]];
      out[base + i] = x1 * Math.cos(angle) - x2 * Math.sin(angle);
      out[base + half + i] = x2 * Math.cos(angle) + x1 * Math.sin(angle);
    }
  }
  return out;
}

test('present keys come out rotated at their positions: shifting positions by d rotates them by d', async () => {
  const ids = tokenIds(12, TINY.vocab, 3);
  const embeds = await embed(embedder, ids);
  const delta = 37;
  const atZero = await decode(decoder, embeds, range(0, ids.length), emptyPast(), 0);
  const shifted = await decode(decoder, embeds, range(delta, ids.length), emptyPast(), 0);
  for (let i = 0; i < TINY.layers; i++) {
    const keys = atZero[`present.${i}.key`].data as Float32Array;
    const moved = shifted[`present.${i}.key`].data as Float32Array;
    assert.ok(maxAbsDiff(keys, moved) > 1e-2, 'keys must depend on position');
    const expected = rotateKeys(keys, TINY.headDim, delta, TINY.ropeTheta);
    const diff = maxAbsDiff(expected, moved);
    assert.ok(diff <= 1e-4, `layer ${i}: rotated keys differ by ${diff}`);
    // Values carry no position; attention depends on relative positions only.
    assert.ok(
      maxAbsDiff(
        atZero[`present.${i}.value`].data as Float32Array,
        shifted[`present.${i}.value`].data as Float32Array,
      ) <= 1e-4,
    );
  }
  assert.ok(
    maxAbsDiff(atZero.logits.data as Float32Array, shifted.logits.data as Float32Array) <= 1e-4,
  );
});

test('a cache re-positioned by rotating its keys continues exactly like one computed at the new positions', async () => {
  const ids = tokenIds(10, TINY.vocab, 5);
  const delta = 100;
  const prefix = await decode(
    decoder,
    await embed(embedder, ids.slice(0, 9)),
    range(0, 9),
    emptyPast(),
    0,
  );
  const moved: Record<string, Tensor> = presentAsPast(prefix);
  for (let i = 0; i < TINY.layers; i++) {
    const name = `past_key_values.${i}.key`;
    moved[name] = new Tensor(
      'float32',
      rotateKeys(moved[name].data as Float32Array, TINY.headDim, delta, TINY.ropeTheta),
      moved[name].dims,
    );
  }
  const next = await embed(embedder, [ids[9]]);
  const viaRotation = await decode(decoder, next, [9 + delta], moved, 9);
  const direct = await decode(
    decoder,
    await embed(embedder, ids),
    range(delta, 10),
    emptyPast(),
    0,
  );
  const diff = maxAbsDiff(
    viaRotation.logits.data as Float32Array,
    rows(direct.logits as Tensor, 9, 1),
  );
  assert.ok(diff <= 1e-4, `logits differ by ${diff}`);
});

test('attention_mask 0 hides a token: the rest behaves as if it were absent', async () => {
  const ids = tokenIds(8, TINY.vocab, 11);
  const withHidden = await decode(
    decoder,
    await embed(embedder, ids),
    range(0, 8),
    emptyPast(),
    0,
    [0, 1, 1, 1, 1, 1, 1, 1],
  );
  const without = await decode(
    decoder,
    await embed(embedder, ids.slice(1)),
    range(1, 7),
    emptyPast(),
    0,
  );
  const diff = maxAbsDiff(
    rows(withHidden.logits as Tensor, 1, 7),
    without.logits.data as Float32Array,
  );
  assert.ok(diff <= 1e-4, `logits differ by ${diff}`);
  const visible = await decode(decoder, await embed(embedder, ids), range(0, 8), emptyPast(), 0);
  assert.ok(
    maxAbsDiff(rows(visible.logits as Tensor, 1, 7), without.logits.data as Float32Array) > 1e-3,
  );
});

test('logits are informative: greedy choices vary with the input and the logits are spread', async () => {
  const ids = tokenIds(40, TINY.vocab, 13);
  const out = await decode(
    decoder,
    await embed(embedder, ids),
    range(0, ids.length),
    emptyPast(),
    0,
  );
  const logits = out.logits.data as Float32Array;
  const choices = new Set(ids.map((_, i) => argmax(logits, i * TINY.vocab, TINY.vocab)));
  assert.ok(
    choices.size >= 5,
    `only ${choices.size} distinct greedy tokens over ${ids.length} positions`,
  );
  const first = logits.subarray(0, TINY.vocab);
  const mean = first.reduce((a, b) => a + b, 0) / first.length;
  const std = Math.sqrt(first.reduce((a, b) => a + (b - mean) ** 2, 0) / first.length);
  assert.ok(std > 0.5 && std < 20, `logit std ${std}`);
  assert.ok(logits.every(Number.isFinite));
});
