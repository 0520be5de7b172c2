// An implementation nobody here wrote: transformers.js loads the generated tiny folder from a
// local path (AutoProcessor + AutoModelForVision2Seq, the Idefics3 classes) and runs greedy
// generation on an image plus a prompt. The same tokens come out of a plain onnxruntime loop
// over the three sessions, which pins down the contract: image features replace the <image>
// token embeddings in order, positions count from 0, present.* feeds past_key_values.*.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { basename, dirname } from 'node:path';
import * as ort from 'onnxruntime-node';
import { TINY, argmax, decode, emptyPast, presentAsPast, session, tinyModel } from './helpers';

type Transformers = typeof import('@huggingface/transformers');

let model: Awaited<ReturnType<typeof tinyModel>>;
let tf: Transformers;

before(async () => {
  model = await tinyModel();
  tf = await import('@huggingface/transformers');
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = dirname(model.dir);
});

after(() => model?.cleanup());

/** A 100x70 RGB test card: gradients and a bright square. */
function testImage(rawImage: Transformers['RawImage']) {
  const [width, height] = [100, 70];
  const data = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const inSquare = x > 20 && x < 50 && y > 10 && y < 40;
      data[i] = inSquare ? 250 : (x * 255) / width;
      data[i + 1] = inSquare ? 240 : (y * 255) / height;
      data[i + 2] = (x + y) % 256;
    }
  }
  return new rawImage(data, width, height, 3);
}

/** Greedy decoding over the three ONNX sessions, without transformers.js. */
async function greedyWithOrt(
  dir: string,
  inputIds: number[],
  pixelValues: ort.Tensor,
  pixelMask: ort.Tensor,
  imageTokenId: number,
  eos: number[],
  maxNewTokens: number,
): Promise<number[]> {
  const [vision, embedder, decoder] = await Promise.all([
    session(dir, 'vision_encoder.onnx'),
    session(dir, 'embed_tokens.onnx'),
    session(dir, 'decoder_model_merged.onnx'),
  ]);
  try {
    const features = (
      await vision.run({ pixel_values: pixelValues, pixel_attention_mask: pixelMask })
    ).image_features;
    const ids = new ort.Tensor('int64', BigInt64Array.from(inputIds.map(BigInt)), [
      1,
      inputIds.length,
    ]);
    const embeds = (await embedder.run({ input_ids: ids })).inputs_embeds;
    const table = embeds.data as Float32Array;
    const imageRows = features.data as Float32Array;
    let next = 0;
    inputIds.forEach((id, row) => {
      if (id !== imageTokenId) return;
      table.set(
        imageRows.subarray(next * TINY.hidden, (next + 1) * TINY.hidden),
        row * TINY.hidden,
      );
      next++;
    });
    assert.equal(next * TINY.hidden, imageRows.length, 'one image feature row per <image> token');

    const positions = inputIds.map((_, i) => i);
    let out = await decode(decoder, embeds as ort.Tensor, positions, emptyPast(), 0);
    let last = inputIds.length - 1;
    const generated: number[] = [];
    for (let step = 0; step < maxNewTokens; step++) {
      const token = argmax(out.logits.data as Float32Array, last * TINY.vocab, TINY.vocab);
      generated.push(token);
      if (eos.includes(token)) break;
      const position = inputIds.length + step;
      const tokenEmbeds = (
        await embedder.run({
          input_ids: new ort.Tensor('int64', BigInt64Array.from([BigInt(token)]), [1, 1]),
        })
      ).inputs_embeds;
      out = await decode(
        decoder,
        tokenEmbeds as ort.Tensor,
        [position],
        presentAsPast(out),
        position,
      );
      last = 0;
    }
    return generated;
  } finally {
    await Promise.all([vision.release(), embedder.release(), decoder.release()]);
  }
}

test('transformers.js loads the folder and its greedy generation matches a plain onnxruntime loop', async () => {
  const name = basename(model.dir);
  const processor = await tf.AutoProcessor.from_pretrained(name);
  const vlm = await tf.AutoModelForVision2Seq.from_pretrained(name, {
    dtype: 'fp32',
    device: 'cpu',
  });
  try {
    assert.equal(vlm.constructor.name, 'Idefics3ForConditionalGeneration');
    const messages = [
      {
        role: 'user',
        content: [{ type: 'image' }, { type: 'text', text: 'What is on the screen?' }],
      },
    ];
    const prompt = processor.apply_chat_template(messages, { add_generation_prompt: true });
    assert.equal(
      prompt,
      '<|im_start|>User:<image>What is on the screen?<end_of_utterance>\nAssistant:',
    );

    const inputs = await processor(prompt, [testImage(tf.RawImage)]);
    // 100x70 -> resized to longest edge 256 -> 256x192 -> 4 x 3 tiles of 64 px + the global image.
    assert.deepEqual(inputs.pixel_values.dims, [1, 13, 3, TINY.tile, TINY.tile]);
    const inputIds = (inputs.input_ids.tolist() as bigint[][])[0].map(Number);
    const config = vlm.config as unknown as { image_token_id: number };
    assert.equal(
      inputIds.filter((id) => id === config.image_token_id).length,
      13 * TINY.imageSeqLen,
    );

    const maxNewTokens = 20;
    const output = (await vlm.generate({
      ...inputs,
      max_new_tokens: maxNewTokens,
      do_sample: false,
    })) as InstanceType<Transformers['Tensor']>;
    const theirs = (output.tolist() as bigint[][])[0].map(Number).slice(inputIds.length);
    assert.ok(theirs.length > 0);
    const text = processor.batch_decode([theirs], {
      skip_special_tokens: false,
    })[0];
    assert.equal(typeof text, 'string');

    const generation = vlm.generation_config as unknown as { eos_token_id: number[] };
    const ours = await greedyWithOrt(
      model.dir,
      inputIds,
      new ort.Tensor('float32', inputs.pixel_values.data as Float32Array, inputs.pixel_values.dims),
      new ort.Tensor(
        'bool',
        Uint8Array.from(inputs.pixel_attention_mask.data as ArrayLike<number>, Number),
        inputs.pixel_attention_mask.dims,
      ),
      config.image_token_id,
      generation.eos_token_id,
      maxNewTokens,
    );
    assert.deepEqual(ours, theirs);
    assert.ok(new Set(ours).size >= 3, `greedy output barely varies: ${ours.join(' ')}`);
  } finally {
    await vlm.dispose();
  }
});

test('the tokenizer round-trips text and keeps special tokens whole', async () => {
  const tokenizer = await tf.AutoTokenizer.from_pretrained(basename(model.dir));
  const text = 'The Save button is at the bottom right of the dialog, 42 px from the edge!';
  const ids = tokenizer.encode(text, { add_special_tokens: false });
  assert.ok(ids.length < text.length, 'merges shorten common English text');
  assert.equal(tokenizer.decode(ids), text);
  const specials =
    '<|im_start|><fake_token_around_image><row_2_col_3><image><global-img><end_of_utterance>';
  assert.equal(tokenizer.encode(specials, { add_special_tokens: false }).length, 6);
  const unicode = 'Größe: 10 µm — ok ✓';
  assert.equal(tokenizer.decode(tokenizer.encode(unicode, { add_special_tokens: false })), unicode);
});
