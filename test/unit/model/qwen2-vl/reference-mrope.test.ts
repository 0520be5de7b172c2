// The qwen2-vl-tiny decoder graph computes M-RoPE as engine/cache/mrope.ts describes it.
// Layer-0 keys depend only on the token embeddings and positions, so the decoder is run on
// the same embeddings at different position_ids and its present.0.key compared:
// - at positions all 0 the keys are unrotated; applyMrope of them at a prompt's ropeIndex
//   positions (an image in the prompt, so the three components differ) gives the keys the
//   graph computes there;
// - keys at P moved by shiftMrope by a uniform Δ, and by a temporal-only Δ, equal the keys
//   the graph computes at P + Δ; the temporal-only move is not a 1-D rotation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  applyMrope,
  mropeSettingsFromConfig,
  shiftMrope,
  shiftPositions,
  type MropeSettings,
  type Positions3,
} from '../../../../engine/cache/mrope';
import { ropeIndex } from '../../../../engine/model/adapters/qwen2-vl/positions';
import { qwen2VlTinyModelDir } from '../tiny-model';

let decoder: ort.InferenceSession;
let embeds: ort.Tensor;
let settings: MropeSettings;
let config: Record<string, number>;
let prompt: Positions3;
let past: Record<string, ort.Tensor>;

const int64 = (values: ArrayLike<number>, dims: number[]) =>
  new ort.Tensor('int64', BigInt64Array.from(Array.from(values, (v) => BigInt(v))), dims);

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

before(async () => {
  const dir = await qwen2VlTinyModelDir();
  config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  settings = mropeSettingsFromConfig(config);
  const open = (file: string) =>
    ort.InferenceSession.create(join(dir, 'onnx', file), { intraOpNumThreads: 1 });
  decoder = await open('decoder_model_merged.onnx');
  const embedder = await open('embed_tokens.onnx');
  // text, <|vision_start|>, an image of grid 1 x 8 x 12 (4 x 6 merged: 24 pads), <|vision_end|>, text
  const grid = { t: 1, h: 8, w: 12 };
  const ids = [
    ...[20, 21, 22, 23, 24],
    config.vision_start_token_id,
    ...new Array(24).fill(config.image_token_id),
    config.vision_end_token_id,
    ...[30, 31, 32, 33],
  ];
  prompt = ropeIndex(
    ids,
    {
      imageTokenId: config.image_token_id,
      videoTokenId: config.video_token_id,
      visionStartTokenId: config.vision_start_token_id,
    },
    [grid],
  ).positions;
  embeds = (await embedder.run({ input_ids: int64(ids, [1, ids.length]) }))
    .inputs_embeds as ort.Tensor;
  await embedder.release();
  past = {};
  const headDim = config.hidden_size / config.num_attention_heads;
  for (let i = 0; i < config.num_hidden_layers; i++)
    for (const kind of ['key', 'value'])
      past[`past_key_values.${i}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [
        1,
        config.num_key_value_heads,
        0,
        headDim,
      ]);
});

after(() => decoder?.release());

/** present.0.key [kvHeads, n, headDim] (batch 1) for the prompt's embeddings at `positions`. */
async function layer0Keys(positions: Positions3): Promise<Float32Array> {
  const n = positions.length;
  const out = await decoder.run({
    inputs_embeds: embeds,
    attention_mask: int64(new Array(n).fill(1), [1, n]),
    position_ids: int64(positions.ids, [3, 1, n]),
    ...past,
  });
  assert.deepEqual(out['present.0.key'].dims, [1, config.num_key_value_heads, n, settings.headDim]);
  return out['present.0.key'].data as Float32Array;
}

const heads = () => config.num_key_value_heads;

test('the tiny preset scales mrope_section to its head dim and the prompt has 3-D positions', () => {
  assert.deepEqual(settings, { theta: 1_000_000, headDim: 32, section: [4, 6, 6] });
  const row = (c: number) =>
    Array.from(prompt.ids.slice(c * prompt.length, (c + 1) * prompt.length));
  assert.notDeepEqual(row(0), row(1));
  assert.notDeepEqual(row(1), row(2));
});

test('keys at ropeIndex positions are the unrotated keys (positions 0) under applyMrope', async () => {
  const n = prompt.length;
  const zero = { ids: new Int32Array(3 * n), length: n };
  const unrotated = await layer0Keys(zero);
  const rotated = await layer0Keys(prompt);
  const expected = applyMrope(unrotated, heads(), n, settings, prompt);
  assert.ok(maxDiff(rotated, expected) < 1e-4, `max diff ${maxDiff(rotated, expected)}`);
  // The same positions through 1-D RoPE (the temporal row in all three) would be wrong.
  const temporal = Array.from(prompt.ids.slice(0, n));
  const flat = { ids: [...temporal, ...temporal, ...temporal], length: n };
  const oneD = applyMrope(unrotated, heads(), n, settings, flat);
  assert.ok(maxDiff(rotated, oneD) > 0.1, `1-D rotation differs by only ${maxDiff(rotated, oneD)}`);
});

for (const [name, delta] of [
  ['uniform Δ (a whole item moved)', [57, 57, 57]],
  ['temporal-only Δ (a video patch re-indexed)', [23, 0, 0]],
  ['height and width only', [0, 40, -3]],
] as const) {
  test(`keys at P moved by shiftMrope equal the graph's keys at P + Δ: ${name}`, async () => {
    const n = prompt.length;
    const atP = await layer0Keys(prompt);
    const target = shiftPositions(prompt, delta);
    const atTarget = await layer0Keys(target);
    const moved = shiftMrope(atP, heads(), n, settings, prompt, delta);
    assert.ok(maxDiff(moved, atTarget) < 1e-4, `max diff ${maxDiff(moved, atTarget)}`);
    if (delta[1] === 0 && delta[2] === 0) {
      // A 1-D re-rotation by Δt turns the height and width pairs too.
      const oneD = shiftMrope(atP, heads(), n, settings, prompt, [delta[0], delta[0], delta[0]]);
      assert.ok(maxDiff(oneD, atTarget) > 0.1, `1-D differs by only ${maxDiff(oneD, atTarget)}`);
    }
  });
}
