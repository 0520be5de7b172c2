// Equivalence with an implementation nobody here wrote: transformers.js loads the same
// tiny reference folder (local path only) and must produce the same prompt ids and the
// same greedy tokens as this engine for an image plus a chat prompt.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { basename, dirname } from 'node:path';
import {
  AutoModelForVision2Seq,
  AutoProcessor,
  env,
  RawImage,
  type PreTrainedModel,
  type Processor,
  type Tensor,
} from '@huggingface/transformers';
import { loadModel, type VisionLanguageModel, type RgbImage } from '../../../engine/model';
import { noisyImage, smoothImage, tinyModelDir } from './tiny-model';

const MAX_NEW_TOKENS = 32;
const messages = [
  {
    role: 'user' as const,
    content: [
      { type: 'image' as const },
      { type: 'text' as const, text: 'What is on the screen?' },
    ],
  },
];

let ours: VisionLanguageModel;
let theirs: PreTrainedModel;
let processor: Processor;

before(async () => {
  const dir = await tinyModelDir();
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${dirname(dir)}/`;
  processor = await AutoProcessor.from_pretrained(basename(dir));
  theirs = await AutoModelForVision2Seq.from_pretrained(basename(dir), {
    dtype: 'fp32',
    device: 'cpu',
  });
  ours = await loadModel(dir, { provider: 'cpu' });
});

after(async () => {
  await ours?.dispose();
  await theirs?.dispose();
});

interface TheirInputs {
  input_ids: Tensor;
  pixel_values: Tensor;
  [key: string]: unknown;
}

async function theirPrompt(image: RgbImage): Promise<TheirInputs> {
  const raw = new RawImage(new Uint8ClampedArray(image.data), image.width, image.height, 3);
  const text = processor.apply_chat_template(messages as never, { add_generation_prompt: true });
  return (await processor(text, [raw])) as TheirInputs;
}

async function theirGreedy(inputs: TheirInputs): Promise<number[]> {
  const out = (await theirs.generate({
    ...inputs,
    max_new_tokens: MAX_NEW_TOKENS,
    do_sample: false,
  })) as Tensor;
  const promptLength = inputs.input_ids.dims[1];
  const stops = new Set(ours.tokenizer.special.eos);
  const generated = Array.from(out.data as BigInt64Array, Number).slice(promptLength);
  const stop = generated.findIndex((id) => stops.has(id));
  return stop === -1 ? generated : generated.slice(0, stop);
}

const ids = (t: Tensor) => Array.from(t.data as BigInt64Array, Number);

test('same prompt ids: chat template, image-token expansion and tokenizer agree', async () => {
  for (const image of [smoothImage(200, 120), noisyImage(90, 300)]) {
    const mine = await ours.preparePrompt({ messages, images: [image] });
    const reference = await theirPrompt(image);
    assert.deepEqual(mine.ids, ids(reference.input_ids));
    assert.equal(mine.images[0].numTiles, reference.pixel_values.dims[1]);
  }
});

test('same greedy tokens end to end, each side with its own image preprocessing', async () => {
  const image = smoothImage(200, 120);
  const mine = await ours.preparePrompt({ messages, images: [image] });
  const result = await ours.generate(
    { embeds: mine.embeds, ids: mine.ids },
    { maxNewTokens: MAX_NEW_TOKENS },
  );
  const expected = await theirGreedy(await theirPrompt(image));
  assert.ok(expected.length > 0);
  assert.deepEqual(result.tokenIds, expected);
});

test('same greedy tokens from the same pixels on a busy image', async () => {
  // transformers.js resizes tiles and the global image bilinearly in tensor space, while
  // Hugging Face's Python processor (and this engine) use the config's resample (Lanczos).
  // On a busy image that difference alone changes the tokens, so here the vision encoder
  // of each side gets the same pixel values; everything after that must agree exactly.
  const image = noisyImage(200, 120);
  const reference = await theirPrompt(image);
  const mine = await ours.preparePrompt({ messages, images: [image] });
  const samePixels = {
    ...mine.images[0],
    pixelValues: Float32Array.from(reference.pixel_values.data as Float32Array),
  };
  const embeds = await ours.embedPrompt(mine.ids, await ours.encodeImages([samePixels]));
  const result = await ours.generate({ embeds, ids: mine.ids }, { maxNewTokens: MAX_NEW_TOKENS });
  const expected = await theirGreedy(reference);
  assert.ok(new Set(expected).size > 4, 'the reference answer should not be trivially repetitive');
  assert.deepEqual(result.tokenIds, expected);
});
