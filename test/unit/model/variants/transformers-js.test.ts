// An independent reader for every variant: transformers.js loads the q8, q4 and fp16
// files of the same folder by its own dtype names, and from the same pixels (a real
// screenshot) and prompt ids generates the same greedy tokens as this engine on that dtype.
// The SmolVLM2 layout (model_type smolvlm, chat template only in chat_template.json) is read
// as SmolVLMForConditionalGeneration and renders the same prompt as this engine.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import type { PreTrainedModel, Processor, Tensor } from '@huggingface/transformers';
import { loadModel, type VisionLanguageModel } from '../../../../engine/model';
import { REAL, transformersJs, variantFolder, type Transformers } from './helpers';

const MAX_NEW_TOKENS = 16;
const messages = [
  {
    role: 'user' as const,
    content: [{ type: 'image' as const }, { type: 'text' as const, text: 'Which host is this?' }],
  },
];

let folder: Awaited<ReturnType<typeof variantFolder>>;
let tf: Transformers;
let processor: Processor;
let inputs: { input_ids: Tensor; pixel_values: Tensor };

before(async () => {
  folder = await variantFolder(['q8', 'q4', 'fp16']);
  tf = await transformersJs(folder.dir);
  processor = await tf.AutoProcessor.from_pretrained(basename(folder.dir));
  const image = await tf.RawImage.read(join(REAL, 'tabby-ssh-session.png'));
  const text = processor.apply_chat_template(messages as never, { add_generation_prompt: true });
  inputs = (await processor(text, [image.rgb()])) as typeof inputs;
});

after(() => folder?.cleanup());

const ids = (t: Tensor) => Array.from(t.data as BigInt64Array, Number);

async function theirGreedy(model: PreTrainedModel, eos: number[]): Promise<number[]> {
  const out = (await model.generate({
    ...inputs,
    max_new_tokens: MAX_NEW_TOKENS,
    do_sample: false,
  })) as Tensor;
  const generated = ids(out).slice(inputs.input_ids.dims[1]);
  const stop = generated.findIndex((id) => eos.includes(id));
  return stop === -1 ? generated : generated.slice(0, stop);
}

async function ourGreedy(model: VisionLanguageModel): Promise<number[]> {
  const [, tiles, , size] = inputs.pixel_values.dims;
  const features = await model.encodeImage({
    pixelValues: Float32Array.from(inputs.pixel_values.data as Float32Array),
    numTiles: tiles,
    tileSize: size,
    rows: 0,
    cols: 0,
    originalSize: { width: 0, height: 0 },
  });
  const promptIds = ids(inputs.input_ids);
  const embeds = await model.embedPrompt(promptIds, features);
  const result = await model.generate({ embeds, ids: promptIds }, { maxNewTokens: MAX_NEW_TOKENS });
  return result.tokenIds;
}

for (const dtype of ['q8', 'q4', 'fp16'] as const)
  test(`${dtype}: transformers.js reads the same file and generates the same greedy tokens`, async () => {
    const ours = await loadModel(folder.dir, { provider: 'cpu', dtype });
    const theirs = await tf.AutoModelForVision2Seq.from_pretrained(basename(folder.dir), {
      dtype,
      device: 'cpu',
    });
    try {
      const expected = await theirGreedy(theirs, ours.tokenizer.special.eos);
      assert.ok(expected.length > 0);
      assert.deepEqual(await ourGreedy(ours), expected);
    } finally {
      await Promise.all([ours.dispose(), theirs.dispose()]);
    }
  });

test('the SmolVLM2 layout loads in both, with the template from chat_template.json', async () => {
  const smol = await variantFolder(['smolvlm']);
  try {
    const config = JSON.parse(readFileSync(join(smol.dir, 'tokenizer_config.json'), 'utf8'));
    assert.equal(config.chat_template, undefined, 'the template is only in chat_template.json');
    const template = JSON.parse(readFileSync(join(smol.dir, 'chat_template.json'), 'utf8'));
    const reader = await transformersJs(smol.dir);
    const theirs = await reader.AutoModelForVision2Seq.from_pretrained(basename(smol.dir), {
      dtype: 'fp32',
      device: 'cpu',
    });
    const theirProcessor = await reader.AutoProcessor.from_pretrained(basename(smol.dir));
    const ours = await loadModel(smol.dir, { provider: 'cpu' });
    try {
      assert.equal(theirs.constructor.name, 'SmolVLMForConditionalGeneration');
      assert.equal(ours.family.modelType, 'smolvlm');
      const theirText = theirProcessor.apply_chat_template(messages as never, {
        add_generation_prompt: true,
        chat_template: template.chat_template,
      });
      assert.equal(ours.tokenizer.applyChatTemplate(messages), theirText);
    } finally {
      await Promise.all([ours.dispose(), theirs.dispose()]);
    }
  } finally {
    smol.cleanup();
  }
});
