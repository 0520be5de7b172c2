// Incremental decoding with past_key_values reproduces full recomputation: 32 greedy
// steps through the runtime, then one pass over the whole sequence with no cache; the
// logits at every step agree within 1e-4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel, emptyKvCache } from '../../../engine/model';
import { argmax } from '../../../engine/model/sampling';
import { smoothImage, tinyModelDir } from './tiny-model';

test('incremental decoding matches full recompute over 32 steps (max abs diff <= 1e-4)', async () => {
  const model = await loadModel(await tinyModelDir(), { provider: 'cpu' });
  try {
    const { vocabSize, numLayers, hiddenSize } = model.spec;
    const prompt = await model.preparePrompt({
      messages: [
        { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Describe it.' }] },
      ],
      images: [smoothImage(160, 96)],
    });
    const n = prompt.ids.length;
    const prefill = await model.decode({
      inputsEmbeds: prompt.embeds,
      positionIds: prompt.ids.map((_, i) => i),
      past: emptyKvCache(numLayers),
    });
    const stepLogits: Float32Array[] = [prefill.logits.slice((n - 1) * vocabSize)];
    const tokens: number[] = [];
    let cache = prefill.present;
    for (let step = 0; step < 32; step++) {
      const id = argmax(stepLogits[step]);
      tokens.push(id);
      const out = await model.decode({
        inputsEmbeds: await model.embedTokens([id]),
        positionIds: [n + step],
        past: cache,
      });
      assert.equal(out.present.length, n + step + 1);
      cache = out.present;
      stepLogits.push(out.logits);
    }

    const all = new Float32Array((n + 32) * hiddenSize);
    all.set(prompt.embeds);
    all.set(await model.embedTokens(tokens), n * hiddenSize);
    const full = await model.decode({
      inputsEmbeds: all,
      positionIds: Array.from({ length: n + 32 }, (_, i) => i),
      past: emptyKvCache(numLayers),
    });
    let maxDiff = 0;
    stepLogits.forEach((logits, step) => {
      const row = full.logits.subarray((n - 1 + step) * vocabSize, (n + step) * vocabSize);
      for (let v = 0; v < vocabSize; v++) maxDiff = Math.max(maxDiff, Math.abs(row[v] - logits[v]));
    });
    assert.ok(maxDiff <= 1e-4, `max abs logit diff ${maxDiff}`);
    // The caches agree too: keys come out rotated at the same positions either way.
    let kvDiff = 0;
    for (let l = 0; l < numLayers; l++) {
      const a = cache.layers[l].key;
      const b = full.present.layers[l].key;
      assert.equal(a.length, b.length);
      const heads = model.spec.numKvHeads;
      const d = model.spec.headDim;
      for (let h = 0; h < heads; h++)
        for (let t = 0; t < n + 32; t++)
          for (let k = 0; k < d; k++)
            kvDiff = Math.max(
              kvDiff,
              Math.abs(a[(h * (n + 32) + t) * d + k] - b[(h * (n + 32) + t) * d + k]),
            );
    }
    assert.ok(kvDiff <= 1e-4, `max abs key diff ${kvDiff}`);
  } finally {
    await model.dispose();
  }
});
