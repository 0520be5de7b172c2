// The float16 I/O path end to end: a decoder whose embeddings, KV cache and logits are
// float16 (as in fp16 and q4f16 exports) is chosen with dtype 'fp16', decodes like the
// float32 one up to float16 rounding, and carries a stream (cache tiers, retrieval,
// re-rotation all on values read back from float16).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { emptyKvCache, loadModel, type VisionLanguageModel } from '../../../engine/model';
import { readOnnxModel } from '../../../engine/model/onnx/model-io';
import { TensorDataType } from '../../../engine/model/onnx/schema';
import { writeFloat16IoDecoder } from '../../../engine/model/reference/float16-variant';
import { argmax } from '../../../engine/model/sampling';
import { openStream } from '../../../engine/stream';
import { adaptModel } from '../../../engine/stream/model-adapter';
import { colorFrames } from '../stream/helpers';
import { smoothImage, tinyModelDir } from './tiny-model';

let dir: string;
let fp32: VisionLanguageModel;
let fp16: VisionLanguageModel;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vlm-fp16-io-'));
  cpSync(await tinyModelDir(), dir, { recursive: true });
  writeFloat16IoDecoder(dir);
  fp32 = await loadModel(dir, { provider: 'cpu', dtype: 'fp32' });
  fp16 = await loadModel(dir, { provider: 'cpu', dtype: 'fp16' });
});

after(async () => {
  await Promise.all([fp32?.dispose(), fp16?.dispose()]);
  rmSync(dir, { recursive: true, force: true });
});

test('the fp16 decoder takes and returns float16, and dtype fp16 picks it', () => {
  const graph = readOnnxModel(join(dir, 'onnx', 'decoder_model_merged_fp16.onnx')).graph;
  const typeOf = (name: string) =>
    [...graph.input, ...graph.output].find((v) => v.name === name)?.type.tensor_type.elem_type;
  assert.equal(typeOf('inputs_embeds'), TensorDataType.FLOAT16);
  assert.equal(typeOf('past_key_values.0.key'), TensorDataType.FLOAT16);
  assert.equal(typeOf('logits'), TensorDataType.FLOAT16);
  assert.equal(typeOf('present.0.value'), TensorDataType.FLOAT16);
  assert.equal(typeOf('position_ids'), TensorDataType.INT64, 'integer inputs stay as they are');
  assert.equal(fp16.files.decoder.relative, 'onnx/decoder_model_merged_fp16.onnx');
  assert.equal(fp16.files.decoder.floatType, 'float16');
  assert.equal(fp32.files.decoder.floatType, 'float32');
});

test('incremental decoding through float16 I/O follows the float32 model for 16 greedy steps', async () => {
  const prompt = await fp32.preparePrompt({
    messages: [
      { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Describe it.' }] },
    ],
    images: [smoothImage(160, 96)],
  });
  const { vocabSize, numLayers } = fp32.spec;
  const run = async (model: VisionLanguageModel) => {
    const n = prompt.ids.length;
    let out = await model.decode({
      inputsEmbeds: prompt.embeds,
      positionIds: prompt.ids.map((_, i) => i),
      past: emptyKvCache(numLayers),
    });
    let logits: Float32Array = out.logits.slice((n - 1) * vocabSize);
    const steps: Float32Array[] = [logits];
    for (let step = 0; step < 16; step++) {
      const id = argmax(logits);
      out = await model.decode({
        inputsEmbeds: await model.embedTokens([id]),
        positionIds: [n + step],
        past: out.present,
      });
      assert.equal(out.present.length, n + step + 1);
      logits = out.logits;
      steps.push(logits);
    }
    return steps;
  };
  const [a, b] = [await run(fp32), await run(fp16)];
  let maxDiff = 0;
  a.forEach((row, step) => {
    assert.equal(argmax(b[step]), argmax(row), `greedy token differs at step ${step}`);
    for (let v = 0; v < vocabSize; v++) maxDiff = Math.max(maxDiff, Math.abs(row[v] - b[step][v]));
  });
  // float16 keeps about 3 significant digits; logits here are of order 1.
  assert.ok(maxDiff > 0, 'the float16 path really rounds');
  assert.ok(maxDiff < 0.05, `max abs logit diff ${maxDiff}`);
});

test('a stream over the fp16 decoder encodes, offloads, retrieves and answers like the fp32 one', async () => {
  const answer = async (model: VisionLanguageModel) => {
    const stream = await openStream(
      { kind: 'live', frames: colorFrames(10) },
      { model: adaptModel(model), recentBlocks: 2, memoryBudget: 1e9 },
    );
    await stream.ready;
    const result = await stream.ask('What colour was the screen?', { maxTokens: 6 });
    await stream.close();
    return result;
  };
  const [a, b] = [await answer(fp32), await answer(fp16)];
  assert.ok(b.cache.retrievable.blocks > 0, 'older frames were offloaded');
  assert.equal(b.answer, a.answer);
  assert.deepEqual(
    b.evidence.map((e) => e.frameIndex),
    a.evidence.map((e) => e.frameIndex),
  );
});
