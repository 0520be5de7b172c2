import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { MemoryBudget, openStream, type StreamModel } from '../../../engine/stream';
import { colorFrame, colorFrames, maxAbsDiff, syntheticModel } from './helpers';
import { positionCount, positionRows } from '../../../engine/model/positions';

const question = 'What changed on screen?';

test('equivalence: with budgets larger than the stream, answer logits equal the full-cache baseline', async () => {
  const model = syntheticModel();
  const full = await openStream(
    { kind: 'live', frames: colorFrames(12) },
    { model, policy: 'full', memoryBudget: 1e9 },
  );
  const rekv = await openStream(
    { kind: 'live', frames: colorFrames(12) },
    { model, policy: 'rekv', recentBlocks: 64, topK: 64, memoryBudget: 1e9 },
  );
  await Promise.all([full.ready, rekv.ready]);
  const a = await full.ask(question, { withLogits: true, maxTokens: 4 });
  const b = await rekv.ask(question, { withLogits: true, maxTokens: 4 });
  assert.ok(
    maxAbsDiff(a.logits!, b.logits!) <= 1e-4,
    `max abs diff ${maxAbsDiff(a.logits!, b.logits!)}`,
  );
  assert.equal(a.answer, b.answer);
  assert.equal(b.cache.recent.blocks, 12);
  await Promise.all([full.close(), rekv.close()]);
});

test('int8 offloaded blocks give answers close to fp32 ones', async () => {
  const model = syntheticModel();
  const frames = 10;
  const retrieved = await openStream(
    { kind: 'live', frames: colorFrames(frames) },
    { model, recentBlocks: 3, topK: 64, quantBits: 32, memoryBudget: 1e9 },
  );
  await retrieved.ready;
  const r = await retrieved.ask(question, { withLogits: true, maxTokens: 1 });
  assert.equal(r.context.retrieved.length, frames - 3);
  assert.equal(r.evidence.length, frames);
  const int8 = await openStream(
    { kind: 'live', frames: colorFrames(frames) },
    { model, recentBlocks: 3, topK: 64, quantBits: 8, memoryBudget: 1e9 },
  );
  await int8.ready;
  const q = await int8.ask(question, { withLogits: true, maxTokens: 1 });
  const diff = maxAbsDiff(r.logits!, q.logits!);
  assert.ok(diff > 0 && diff < 0.05, `int8 retrieval stays close to fp32 (${diff})`);
  await Promise.all([retrieved.close(), int8.close()]);
});

test('the streaming-llm policy answers from sink + recent only and drops older frames', async () => {
  const model = syntheticModel();
  const s = await openStream(
    { kind: 'live', frames: colorFrames(9) },
    { model, policy: 'streaming-llm', recentBlocks: 4, memoryBudget: 1e9 },
  );
  await s.ready;
  const r = await s.ask(question, { maxTokens: 2 });
  assert.deepEqual(r.context.retrieved, []);
  assert.deepEqual(r.context.recent, [5, 6, 7, 8]);
  assert.equal(r.cache.retrievable.blocks, 0);
  assert.equal(r.cache.blocksDropped, 5);
  await s.close();
});

test('the h2o policy keeps the newest half of its window and drops the least attended older block', async () => {
  const model = syntheticModel();
  const s = await openStream(
    { kind: 'live', frames: colorFrames(10) },
    { model, policy: 'h2o', recentBlocks: 4, memoryBudget: 1e9 },
  );
  await s.ready;
  const r = await s.ask(question, { maxTokens: 1 });
  assert.equal(r.context.recent.length, 4);
  assert.ok(r.context.recent.includes(8) && r.context.recent.includes(9));
  await s.close();
});

test('the full-cache policy stops with a clear error at the position limit', async () => {
  const model = syntheticModel();
  const s = await openStream(
    { kind: 'live' },
    { model, policy: 'full', maxContextTokens: 400, answerReserveTokens: 64, memoryBudget: 1e9 },
  );
  let error: Error | undefined;
  for (let i = 0; i < 30 && !error; i++)
    await s.pushFrame(colorFrame(i)).catch((e: Error) => (error = e));
  assert.match(String(error), /keeps every frame.*limit is 336.*rekv policy/);
  await s.close();
});

test('answers stream token by token and report timings, evidence and per-tier cache stats', async () => {
  const model = syntheticModel();
  const s = await openStream(
    { kind: 'live', frames: colorFrames(20) },
    { model, recentBlocks: 4, topK: 3, memoryBudget: 1e9 },
  );
  await s.ready;
  const pieces: string[] = [];
  const r = await s.ask('what is shown at 0:05?', { maxTokens: 6, onToken: (t) => pieces.push(t) });
  assert.equal(pieces.join('').trim(), r.answer);
  assert.ok(
    r.timings.ttftMs > 0 && r.timings.totalMs >= r.timings.ttftMs && r.timings.encodeMs > 0,
  );
  assert.equal(r.context.retrieved.length, 3);
  assert.ok(r.context.retrieved.includes(5), 'the time hint brings frame 5 back');
  assert.equal(r.evidence[0].frameIndex, 5);
  const c = r.cache;
  assert.equal(c.sink.blocks, 1);
  assert.equal(c.recent.blocks, 4);
  assert.equal(c.retrievable.blocks, 16);
  assert.ok(c.retrievable.misses >= 3);
  assert.ok(c.recent.ramBytes > 0 && c.sink.tokens > 0);
  await s.close();
});

test('several streams under one shared memory budget stay within it together', async () => {
  const model = syntheticModel();
  const budget = new MemoryBudget(64 * 1024);
  const streams = await Promise.all(
    [0, 1, 2].map(() =>
      openStream(
        { kind: 'live', frames: colorFrames(40) },
        { model, recentBlocks: 2, memoryBudget: budget, poolBlocks: 2 },
      ),
    ),
  );
  await Promise.all(streams.map((s) => s.ready));
  for (const s of streams) await s.ask(question, { maxTokens: 1 });
  assert.ok(
    budget.usedBytes() <= budget.limitBytes,
    `${budget.usedBytes()} <= ${budget.limitBytes}`,
  );
  const total = streams.reduce((n, s) => n + s.stats().retrievable.budgetedBytes, 0);
  assert.ok(total <= budget.limitBytes);
  // RAM only (no cache dir): what does not fit is dropped, counted, and the newest stay.
  assert.ok(streams.some((s) => s.stats().retrievable.evictions > 0));
  await Promise.all(streams.map((s) => s.close()));
});

test('closing a stream whose live source never ends returns promptly; the closed stream refuses work', async () => {
  async function* endless() {
    for (let i = 0; ; i++) {
      yield colorFrame(i);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  const s = await openStream(
    { kind: 'live', frames: endless() },
    { model: syntheticModel(), memoryBudget: 1e9 },
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  await s.close();
  await assert.rejects(s.ready, /closed before its source was fully ingested|the stream is closed/);
  await assert.rejects(s.ask(question), /the stream is closed/);
});

test('frameText (OCR) attaches on-screen text to blocks and retrieves by it, with the text as evidence', async () => {
  const screenText = (i: number) =>
    i === 7 ? 'Error: disk full (ENOSPC)' : `Editor - main.ts line ${i * 10}`;
  const s = await openStream(
    { kind: 'live', frames: colorFrames(16) },
    {
      model: syntheticModel(),
      recentBlocks: 3,
      topK: 2,
      memoryBudget: 1e9,
      frameText: async (frame) => screenText(frame.index),
    },
  );
  await s.ready;
  const r = await s.ask('When did the disk full error appear?', { maxTokens: 2 });
  assert.equal(r.evidence[0].frameIndex, 7);
  assert.equal(r.evidence[0].text, 'Error: disk full (ENOSPC)');
  assert.ok(r.evidence[0].scores.text > 0.5);
  assert.ok(r.context.retrieved.includes(7));
  await s.close();
});

test('every frame is prefilled against sink + recent only, and answers see contiguous positions in time order', async () => {
  const base = syntheticModel();
  const steps: { past: number; first: number; n: number }[] = [];
  const model = Object.assign(Object.create(base) as StreamModel, {
    decode: (step: Parameters<StreamModel['decode']>[0]) => {
      steps.push({
        past: step.past.length,
        first: positionRows(step.positionIds)[0][0],
        n: positionCount(step.positionIds),
      });
      return base.decode(step);
    },
  });
  const recentBlocks = 4;
  const s = await openStream(
    { kind: 'live', frames: colorFrames(120) },
    { model, recentBlocks, topK: 5, memoryBudget: 1e9 },
  );
  await s.ready;
  const sink = s.stats().sink.tokens;
  const frameTokens = s.stats().recent.tokens / recentBlocks;
  const encodes = steps.slice(1); // after the sink
  assert.equal(encodes.length, 120);
  for (const e of encodes) {
    assert.ok(
      e.past <= sink + (recentBlocks - 1) * frameTokens,
      `a frame attended ${e.past} tokens`,
    );
    assert.equal(e.first, e.past, 'new tokens continue the window contiguously');
  }
  steps.length = 0;
  const r = await s.ask('What is on screen at 0:30?', { maxTokens: 3 });
  const retrievedTimes = r.context.retrieved.map(
    (id) => r.evidence.find((e) => e.blockId === id)!.timeSec,
  );
  assert.deepEqual(
    retrievedTimes,
    [...retrievedTimes].sort((a, b) => a - b),
    'retrieved blocks in time order',
  );
  const prefill = steps.find((st) => st.past === sink + (5 + recentBlocks) * frameTokens)!;
  assert.ok(prefill, 'the question is prefilled over sink + 5 retrieved + recent');
  assert.equal(prefill.first, prefill.past, 'question positions follow the context contiguously');
  const decodes = steps.slice(steps.indexOf(prefill) + 1);
  decodes.forEach((d, i) => assert.equal(d.first, prefill.past + prefill.n + i));
  await s.close();
});

test('bad budgets are refused with errors that name the limit', async () => {
  const model = syntheticModel();
  await assert.rejects(
    openStream({ kind: 'live' }, { model, maxContextTokens: 999_999 }),
    /maxContextTokens 999999 exceeds the model's position limit \(max_position_embeddings 4096\)/,
  );
  const budget = new MemoryBudget(1e6);
  await assert.rejects(
    openStream({ kind: 'live' }, { model, sinkTokens: 4, memoryBudget: budget }),
    /the prompt prefix has \d+ tokens, more than sinkTokens 4/,
  );
  assert.equal(budget.usedBytes(), 0);
  await assert.rejects(
    openStream({ kind: 'live' }, { model, policy: 'lru' as never }),
    /unknown cache policy 'lru'; choose one of rekv/,
  );
});

test('frames the gate skipped extend the time span of the frame they repeat, for time hints and evidence', async () => {
  async function* gated() {
    yield colorFrame(0);
    yield colorFrame(10); // 0:10, then unchanged until 0:40
    yield { skipped: 30, lastTimeSec: 40 };
    for (let i = 41; i < 50; i++) yield colorFrame(i);
  }
  const s = await openStream(
    { kind: 'live', frames: gated() },
    { model: syntheticModel(), recentBlocks: 2, topK: 1, memoryBudget: 1e9 },
  );
  await s.ready;
  const r = await s.ask('What is on screen at 0:30?', { maxTokens: 1 });
  assert.equal(r.evidence[0].frameIndex, 10);
  assert.equal(r.evidence[0].untilSec, 40);
  assert.equal(r.evidence[0].scores.time, 1);
  assert.equal(r.cache.framesSkipped, 30);
  await s.close();
});
