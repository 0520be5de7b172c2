// Generation through the runtime on the tiny reference model: streaming, stop tokens,
// the token limit, seeded sampling, cancellation between steps, and pre-RoPE queries.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  emptyKvCache,
  loadModel,
  type PreparedPrompt,
  type VisionLanguageModel,
} from '../../../engine/model';
import { generate } from '../../../engine/model/generate';
import { argmax } from '../../../engine/model/sampling';
import { smoothImage, tinyModelDir } from './tiny-model';

let model: VisionLanguageModel;
let prompt: PreparedPrompt;

before(async () => {
  model = await loadModel(await tinyModelDir(), { provider: 'cpu' });
  prompt = await model.preparePrompt({
    messages: [
      { role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Summarise.' }] },
    ],
    images: [smoothImage(96, 64)],
  });
});
after(() => model?.dispose());

const input = () => ({ embeds: prompt.embeds, ids: prompt.ids });

test('tokens stream one by one and add up to the answer; timings are recorded', async () => {
  const streamed: string[] = [];
  const indices: number[] = [];
  const result = await model.generate(input(), {
    maxNewTokens: 12,
    stopTokenIds: [],
    onToken: (t) => {
      streamed.push(t.text);
      indices.push(t.index);
    },
  });
  assert.equal(result.stopReason, 'length');
  assert.equal(result.tokenIds.length, 12);
  assert.deepEqual(indices, [...Array(12).keys()]);
  assert.equal(streamed.join(''), result.text);
  assert.equal(result.promptTokens, prompt.ids.length);
  assert.equal(
    result.cache.length,
    prompt.ids.length + 11,
    'the last chosen token is not fed back',
  );
  assert.equal(result.nextPosition, prompt.ids.length + 11);
  assert.ok(result.ttftMs > 0 && result.tpotMs > 0 && result.totalMs >= result.ttftMs);
});

test('a stop token ends generation before it is emitted', async () => {
  const free = await model.generate(input(), { maxNewTokens: 6, stopTokenIds: [] });
  const stopAt = free.tokenIds[3];
  const first = free.tokenIds.indexOf(stopAt);
  const stopped = await model.generate(input(), { maxNewTokens: 6, stopTokenIds: [stopAt] });
  assert.equal(stopped.stopReason, 'stop');
  assert.deepEqual(stopped.tokenIds, free.tokenIds.slice(0, first));
});

test('sampling is reproducible from a seed and differs across seeds', async () => {
  const sample = (seed: number) =>
    model.generate(input(), {
      maxNewTokens: 16,
      stopTokenIds: [],
      temperature: 1.5,
      topK: 50,
      topP: 0.95,
      seed,
    });
  const a = await sample(1);
  assert.deepEqual((await sample(1)).tokenIds, a.tokenIds);
  const others = await Promise.all([2, 3, 4].map(sample));
  assert.ok(others.some((o) => o.tokenIds.join() !== a.tokenIds.join()));
  const greedy = await model.generate(input(), { maxNewTokens: 16, stopTokenIds: [] });
  assert.notDeepEqual(a.tokenIds, greedy.tokenIds);
});

test('an AbortSignal stops generation between steps', async () => {
  const controller = new AbortController();
  const result = await model.generate(input(), {
    maxNewTokens: 50,
    stopTokenIds: [],
    signal: controller.signal,
    onToken: (t) => t.index === 2 && controller.abort(),
  });
  assert.equal(result.stopReason, 'aborted');
  assert.equal(result.tokenIds.length, 3);
  const already = AbortSignal.abort();
  const none = await model.generate(input(), { maxNewTokens: 5, signal: already });
  assert.deepEqual([none.stopReason, none.tokenIds.length, none.cache.length], ['aborted', 0, 0]);
});

test('the context limit ends generation instead of running past max positions', async () => {
  const near = model.spec.maxPositions - prompt.ids.length - 2;
  const result = await model.generate(
    { ...input(), startPosition: near },
    { maxNewTokens: 10, stopTokenIds: [] },
  );
  assert.equal(result.stopReason, 'context');
  assert.equal(result.tokenIds.length, 3);
});

test('a pre-filled cache: the rest of the prompt continues it as if the whole prompt were fed', async () => {
  const { hiddenSize, numLayers } = model.spec;
  const split = Math.floor(prompt.ids.length / 2);
  const head = await model.decode({
    inputsEmbeds: prompt.embeds.slice(0, split * hiddenSize),
    positionIds: [...Array(split).keys()],
    past: emptyKvCache(numLayers),
    lastLogitsOnly: true,
  });
  const whole = await model.generate(input(), { maxNewTokens: 6, stopTokenIds: [] });
  const rest = await model.generate(
    { embeds: prompt.embeds.slice(split * hiddenSize), past: head.present },
    { maxNewTokens: 6, stopTokenIds: [] },
  );
  assert.equal(rest.promptTokens, prompt.ids.length - split);
  assert.deepEqual(rest.tokenIds, whole.tokenIds);
  assert.equal(rest.nextPosition, whole.nextPosition);
});

test('onLogits sees each step before its token is chosen; isStopToken stops like a listed stop id', async () => {
  const rows: { index: number; logits: Float32Array }[] = [];
  const free = await model.generate(input(), {
    maxNewTokens: 5,
    stopTokenIds: [],
    onLogits: (logits, index) => rows.push({ index, logits: logits.slice() }),
  });
  assert.deepEqual(
    rows.map((r) => r.index),
    [0, 1, 2, 3, 4],
  );
  assert.deepEqual(
    rows.map((r) => argmax(r.logits)),
    free.tokenIds,
    'greedy picks the argmax of what onLogits saw',
  );
  const stopAt = free.tokenIds[2];
  const stopped = await model.generate(input(), {
    maxNewTokens: 5,
    stopTokenIds: [],
    isStopToken: (id) => id === stopAt,
  });
  assert.equal(stopped.stopReason, 'stop');
  assert.deepEqual(stopped.tokenIds, free.tokenIds.slice(0, free.tokenIds.indexOf(stopAt)));
});

test('maxNewTokens 0 prefills only: the cache and the first logits, no token', async () => {
  let seen = 0;
  const result = await model.generate(input(), {
    maxNewTokens: 0,
    stopTokenIds: [],
    onLogits: () => seen++,
    onToken: () => assert.fail('no token is emitted'),
  });
  assert.deepEqual(
    [result.stopReason, result.tokenIds.length, result.cache.length, seen],
    ['length', 0, prompt.ids.length, 1],
  );
});

test('a step that returns after the signal was aborted yields no token', async () => {
  const controller = new AbortController();
  let steps = 0;
  const result = await generate(
    {
      ...model.spec,
      embedTokens: (ids) => model.embedTokens(ids),
      decode: async (step) => {
        const out = await model.decode(step);
        if (++steps === 3) controller.abort(); // cancelled while the third step ran
        return out;
      },
      decodeText: (ids) => model.tokenizer.decode(ids),
    },
    input(),
    { maxNewTokens: 10, stopTokenIds: [], signal: controller.signal, onToken: () => {} },
    () => emptyKvCache(model.spec.numLayers),
  );
  assert.equal(result.stopReason, 'aborted');
  assert.equal(result.tokenIds.length, 2);
});

test('queries come out before RoPE: [heads, n, headDim], independent of position at layer 0', async () => {
  const { numLayers, numHeads, headDim, hiddenSize } = model.spec;
  const embeds = prompt.embeds.slice(0, 3 * hiddenSize);
  const at = (start: number) =>
    model.decode({
      inputsEmbeds: embeds,
      positionIds: [start, start + 1, start + 2],
      past: emptyKvCache(numLayers),
      withQueries: true,
    });
  const [early, late] = [await at(0), await at(100)];
  assert.equal(early.queries?.length, numLayers);
  assert.equal(early.queries?.[0].length, numHeads * 3 * headDim);
  assert.deepEqual(early.queries?.[0], late.queries?.[0]);
  assert.notDeepEqual(early.present.layers[0].key, late.present.layers[0].key, 'keys are rotated');
  const plain = await model.decode({
    inputsEmbeds: embeds,
    positionIds: [0, 1, 2],
    past: emptyKvCache(numLayers),
  });
  assert.deepEqual(plain.logits, early.logits, 'the query session computes the same logits');
});
