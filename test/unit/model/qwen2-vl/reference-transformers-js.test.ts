// An implementation nobody here wrote: transformers.js (Qwen2VLForConditionalGeneration +
// AutoProcessor) loads the generated qwen2-vl-tiny folder from a local path and generates
// greedily for a real screenshot and a question. A plain onnxruntime loop over the three
// graphs, with positions from positions.ts's ropeIndex, must give the same tokens: that
// pins the contract the engine's Qwen2-VL adapter will follow (image features replace the
// <|image_pad|> embeddings in order, position_ids [3, 1, n] from get_rope_index, decoding
// continues at cache index + rope delta in all three components).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ropeIndex, toPositionIdsData } from '../../../../engine/model/adapters/qwen2-vl/positions';
import { userTurn, visionPlaceholder } from '../../../../engine/model/adapters/qwen2-vl/prompt';
import { qwen2VlTinyModelDir } from '../tiny-model';
import {
  disposeQwen2VlTransformersJs,
  transformersJsQwen2VlGreedy,
  type Qwen2VlGreedy,
} from '../qwen2-vl-transformers-js';

const SCREENSHOT = join(__dirname, '..', '..', '..', 'fixtures', 'real', 'tabby-ssh-session.png');
const QUESTION = 'What is on the screen?';
// 16, not 8: with 8 tokens, leaving out the rope delta happens to give the same tokens.
const MAX_NEW_TOKENS = 16;

let dir: string;
let config: Record<string, number> & { vision_config: Record<string, number> };
let theirs: Qwen2VlGreedy;

before(async () => {
  dir = await qwen2VlTinyModelDir();
  config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  theirs = await transformersJsQwen2VlGreedy(dir, SCREENSHOT, QUESTION, MAX_NEW_TOKENS);
});

after(() => disposeQwen2VlTransformersJs());

const session = (file: string) =>
  ort.InferenceSession.create(join(dir, 'onnx', file), { intraOpNumThreads: 1 });
const int64 = (values: ArrayLike<number | bigint>, dims: number[]) =>
  new ort.Tensor('int64', BigInt64Array.from(Array.from(values, (v) => BigInt(v))), dims);

function argmaxRow(logits: Float32Array, row: number, vocab: number): number {
  let best = 0;
  for (let i = 1; i < vocab; i++)
    if (logits[row * vocab + i] > logits[row * vocab + best]) best = i;
  return best;
}

/** Position mistakes the comparison must catch. */
interface Mistake {
  /** Prompt positions 0..n-1 in all three components, as 1-D RoPE would have them. */
  flatPrompt?: boolean;
  /** Decoded tokens at their cache index, the rope delta left out. */
  noDelta?: boolean;
}

/** Greedy decoding over the three graphs with onnxruntime alone. */
async function greedyWithOrt(
  promptIds: number[],
  steps: number,
  stop: number[],
  mistake: Mistake = {},
): Promise<number[]> {
  const [vision, embedder, decoder] = await Promise.all([
    session('vision_encoder.onnx'),
    session('embed_tokens.onnx'),
    session('decoder_model_merged.onnx'),
  ]);
  try {
    const { data, dims } = theirs.pixelValues;
    const features = (
      await vision.run({
        pixel_values: new ort.Tensor('float32', data, dims),
        grid_thw: int64(theirs.gridThw, [1, 3]),
      })
    ).image_features;
    const hidden = config.hidden_size;
    const vocab = config.vocab_size;
    const embeds = (await embedder.run({ input_ids: int64(promptIds, [1, promptIds.length]) }))
      .inputs_embeds;
    const table = embeds.data as Float32Array;
    const rows = features.data as Float32Array;
    let next = 0;
    promptIds.forEach((id, row) => {
      if (id !== config.image_token_id) return;
      table.set(rows.subarray(next * hidden, (next + 1) * hidden), row * hidden);
      next++;
    });
    assert.equal(next * hidden, rows.length, 'one image feature row per <|image_pad|>');

    const [t, h, w] = theirs.gridThw;
    const { positions, ropeDelta } = ropeIndex(
      promptIds,
      {
        imageTokenId: config.image_token_id,
        videoTokenId: config.video_token_id,
        visionStartTokenId: config.vision_start_token_id,
      },
      [{ t, h, w }],
    );
    const layers = config.num_hidden_layers;
    const kvHeads = config.num_key_value_heads;
    const headDim = hidden / config.num_attention_heads;
    let past: Record<string, ort.Tensor> = {};
    for (let i = 0; i < layers; i++)
      for (const kind of ['key', 'value'])
        past[`past_key_values.${i}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [
          1,
          kvHeads,
          0,
          headDim,
        ]);
    let input: ort.Tensor = embeds as ort.Tensor;
    const n = promptIds.length;
    const flat = Array.from({ length: 3 * n }, (_, i) => i % n);
    let positionIds = mistake.flatPrompt
      ? int64(flat, [3, 1, n])
      : int64(toPositionIdsData(positions), [3, 1, n]);
    let total = promptIds.length;
    const generated: number[] = [];
    for (let step = 0; step < steps; step++) {
      const out = await decoder.run({
        inputs_embeds: input,
        attention_mask: int64(new Array(total).fill(1), [1, total]),
        position_ids: positionIds,
        ...past,
      });
      const seq = input.dims[1];
      const token = argmaxRow(out.logits.data as Float32Array, seq - 1, vocab);
      generated.push(token);
      if (stop.includes(token)) break;
      past = {};
      for (const [name, value] of Object.entries(out))
        if (name.startsWith('present.'))
          past[name.replace('present.', 'past_key_values.')] = value as ort.Tensor;
      input = (await embedder.run({ input_ids: int64([token], [1, 1]) }))
        .inputs_embeds as ort.Tensor;
      // The new token sits at cache index `total`; its position is total + rope delta.
      const position = mistake.noDelta ? total : total + ropeDelta;
      positionIds = int64([position, position, position], [3, 1, 1]);
      total++;
    }
    return generated;
  } finally {
    await Promise.all([vision.release(), embedder.release(), decoder.release()]);
  }
}

test('transformers.js loads qwen2-vl-tiny: prompt as the chat template writes it, one pad per merged patch', () => {
  assert.equal(theirs.prompt, userTurn(`${visionPlaceholder('image')}${QUESTION}`));
  const [t, h, w] = theirs.gridThw;
  const merge = config.vision_config.spatial_merge_size;
  const pads = theirs.promptIds.filter((id) => id === config.image_token_id).length;
  assert.equal(pads, (t * h * w) / merge ** 2);
  assert.deepEqual(theirs.pixelValues.dims, [t * h * w, 3 * 2 * 8 * 8]);
  // Recorded: the 2094 x 1528 screenshot resized under max_pixels 128² (factor 16) is
  // 144 x 96: grid 1 x 12 x 18 patches of 8 px, 54 pad tokens; the prompt is 95 tokens.
  assert.deepEqual(theirs.gridThw, [1, 12, 18]);
  assert.equal(theirs.promptIds.length, 95);
  assert.equal(theirs.promptIds[0], config.vision_start_token_id - 8, '<|im_start|> first');
});

test('transformers.js greedy tokens match a plain onnxruntime loop with ropeIndex positions', async () => {
  assert.equal(theirs.tokens.length, MAX_NEW_TOKENS);
  // Recorded with the current generator (GENERATOR_VERSION and seed as in manifest.ts): a
  // change here means the generated weights or graphs changed.
  assert.deepEqual(
    theirs.tokens,
    [18, 168, 164, 307, 11, 398, 335, 295, 238, 172, 261, 79, 485, 464, 490, 227],
  );
  const stop = [config.eos_token_id, config.bos_token_id];
  const ours = await greedyWithOrt(theirs.promptIds, MAX_NEW_TOKENS, stop);
  assert.deepEqual(ours, theirs.tokens);
  assert.ok(new Set(ours).size >= 3, `greedy output barely varies: ${ours.join(' ')}`);
});

test('the comparison has teeth: 1-D prompt positions, or no rope delta, change the tokens', async () => {
  const stop = [config.eos_token_id, config.bos_token_id];
  for (const mistake of [{ flatPrompt: true }, { noDelta: true }]) {
    const wrong = await greedyWithOrt(theirs.promptIds, MAX_NEW_TOKENS, stop, mistake);
    assert.notDeepEqual(wrong, theirs.tokens, JSON.stringify(mistake));
  }
});
