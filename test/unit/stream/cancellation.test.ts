import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { openStream, type StreamModel } from '../../../engine/stream';
import { colorFrame, colorFrames, syntheticModel } from './helpers';

/** The synthetic model, with a hook that runs before each decode call returns. */
function withDecodeHook(model: StreamModel, hook: (call: number) => void): StreamModel {
  let calls = 0;
  return Object.assign(Object.create(model) as StreamModel, {
    decode: async (step: Parameters<StreamModel['decode']>[0]) => {
      const out = await model.decode(step);
      hook(++calls);
      return out;
    },
  });
}

const question = 'What is on screen?';

test('cancelling mid-prefill leaves the stream usable and answering as before', async () => {
  const base = syntheticModel();
  const reference = await openStream(
    { kind: 'live', frames: colorFrames(12) },
    { model: base, recentBlocks: 3, memoryBudget: 1e9 },
  );
  await reference.ready;
  const expected = await reference.ask(question, { maxTokens: 5, withLogits: true });

  const controller = new AbortController();
  let armed = false;
  const model = withDecodeHook(base, () => {
    if (armed) controller.abort(); // the user cancels while the question's first model call runs
  });
  const s = await openStream(
    { kind: 'live', frames: colorFrames(12) },
    { model, recentBlocks: 3, memoryBudget: 1e9 },
  );
  await s.ready;
  const before = s.stats();
  armed = true;
  await assert.rejects(s.ask(question, { maxTokens: 5, signal: controller.signal }), {
    name: 'AbortError',
  });
  armed = false;
  assert.deepEqual(s.stats().recent, before.recent);
  assert.equal(s.stats().retrievable.blocks, before.retrievable.blocks);
  const again = await s.ask(question, { maxTokens: 5, withLogits: true });
  assert.equal(again.answer, expected.answer);
  assert.deepEqual(again.logits, expected.logits);
  await Promise.all([s.close(), reference.close()]);
});

test('cancelling mid-decode stops the answer and the next question is answered in full', async () => {
  const s = await openStream(
    { kind: 'live', frames: colorFrames(8) },
    { model: syntheticModel(), recentBlocks: 3, memoryBudget: 1e9 },
  );
  await s.ready;
  const full = await s.ask(question, { maxTokens: 8, sampling: { temperature: 0 } });
  const controller = new AbortController();
  let tokens = 0;
  await assert.rejects(
    s.ask(question, {
      maxTokens: 8,
      signal: controller.signal,
      onToken: () => {
        if (++tokens === 2) controller.abort();
      },
    }),
    { name: 'AbortError' },
  );
  assert.equal(tokens, 2);
  const again = await s.ask(question, { maxTokens: 8 });
  assert.equal(again.answer, full.answer);
  await s.close();
});

test('cancelling a frame mid-encode adds nothing; the next frame encodes normally', async () => {
  const base = syntheticModel();
  const controller = new AbortController();
  let armed = false;
  const model = withDecodeHook(base, () => {
    if (armed) controller.abort();
  });
  const s = await openStream({ kind: 'live' }, { model, recentBlocks: 3, memoryBudget: 1e9 });
  for (let i = 0; i < 5; i++) await s.pushFrame(colorFrame(i));
  const before = s.stats();
  armed = true;
  await assert.rejects(s.pushFrame(colorFrame(5), controller.signal), { name: 'AbortError' });
  armed = false;
  assert.equal(s.stats().framesEncoded, before.framesEncoded);
  assert.deepEqual(s.stats().recent, before.recent);
  await s.pushFrame(colorFrame(5));
  assert.equal(s.stats().framesEncoded, 6);
  assert.equal((await s.ask(question, { maxTokens: 2 })).context.recent.at(-1), 5);
  await s.close();
});
