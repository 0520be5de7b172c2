import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { assembleCache, meanOverTokens } from '../../../engine/cache/block';
import {
  questionVectors,
  rankBlocks,
  scorerByName,
  SCORER_NAMES,
  type QuestionPass,
} from '../../../engine/cache/retrieval';
import { retrieveForContext } from '../../../engine/cache/retrieval/retrieve';
import { applyRope } from '../../../engine/cache/rope';
import type { DecoderStep } from '../../../engine/model/contract';
import { positionRows } from '../../../engine/model/positions';
import { random, syntheticBlock, tinySpec } from './helpers';

const spec = tinySpec;
const { numLayers, numHeads, numKvHeads, headDim, hiddenSize } = spec;
const questionTokens = 3;
const question = new Float32Array(questionTokens * hiddenSize);

/** A decoder stand-in: the question's pre-RoPE keys are known, so their mean can be checked. */
function fakeModel(supportsQueries: boolean) {
  const rnd = random(11);
  const raw = Array.from({ length: numLayers }, () =>
    Float32Array.from({ length: numKvHeads * questionTokens * headDim }, rnd),
  );
  const queries = Array.from({ length: numLayers }, () =>
    Float32Array.from({ length: numHeads * questionTokens * headDim }, rnd),
  );
  const calls: DecoderStep[] = [];
  const model: QuestionPass = {
    spec,
    supportsQueries,
    async decode(step) {
      calls.push(step);
      const p = positionRows(step.positionIds)[0][0];
      const own = raw.map((r) => ({
        key: applyRope(r, numKvHeads, questionTokens, headDim, spec.rope, p),
        value: r,
      }));
      const present = assembleCache(
        [
          { kv: step.past.layers, tokenCount: step.past.length, keyPosition: 0 },
          { kv: own, tokenCount: questionTokens, keyPosition: p },
        ],
        spec,
      );
      return {
        logits: new Float32Array(spec.vocabSize),
        present,
        queries: supportsQueries && step.withQueries ? queries : undefined,
        runMs: 0,
      };
    },
  };
  return { model, calls, raw, queries };
}

const sink = syntheticBlock(-1, 5);
const sinkContext = () => {
  const cache = assembleCache([{ ...sink, keyPosition: 0 }], spec);
  return { cache, extent: cache.length };
};

test('every scorer declares the question vectors it reads', () => {
  const needs = Object.fromEntries(SCORER_NAMES.map((n) => [n, scorerByName(n).needs]));
  assert.deepEqual(needs, {
    queries: { queries: true },
    keys: { keys: true },
    recency: {},
    uniform: {},
  });
  assert.equal(scorerByName('queries').fallback, scorerByName('keys'));
});

test('a scorer that needs no vectors costs no model call', async () => {
  for (const name of ['recency', 'uniform'] as const) {
    const { model, calls } = fakeModel(true);
    let built = false;
    const context = () => {
      built = true;
      return sinkContext();
    };
    assert.deepEqual(await questionVectors(scorerByName(name), model, context, question), {});
    assert.deepEqual([calls.length, built], [0, false]);
  }
});

test('the keys scorer gets the mean pre-RoPE question keys, from one pass after the sink', async () => {
  const { model, calls, raw } = fakeModel(true);
  const vectors = await questionVectors(scorerByName('keys'), model, sinkContext, question);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].withQueries, false, 'no query outputs asked for');
  assert.deepEqual(calls[0].positionIds, [5, 6, 7], 'the question follows the sink');
  assert.equal(vectors.queries, undefined);
  assert.equal(vectors.keys?.length, numLayers);
  raw.forEach((r, l) => {
    const expected = meanOverTokens(r, numKvHeads, questionTokens, headDim);
    const diff = Math.max(...expected.map((x, i) => Math.abs(x - vectors.keys![l][i])));
    assert.ok(diff < 1e-5, `layer ${l}: ${diff}`);
  });
});

test('the queries scorer gets queries, or its keys fallback on a model without query outputs', async () => {
  const withQueries = fakeModel(true);
  const q = await questionVectors(
    scorerByName('queries'),
    withQueries.model,
    sinkContext,
    question,
  );
  assert.equal(withQueries.calls[0].withQueries, true);
  assert.deepEqual(
    q.queries,
    withQueries.queries.map((x) => meanOverTokens(x, numHeads, questionTokens, headDim)),
  );
  assert.equal(q.keys, undefined);

  const without = fakeModel(false);
  const k = await questionVectors(scorerByName('queries'), without.model, sinkContext, question);
  assert.equal(without.calls.length, 1);
  assert.equal(without.calls[0].withQueries, false);
  assert.deepEqual([k.queries, k.keys?.length], [undefined, numLayers]);
  const candidates = [0, 1, 2].map((id) => syntheticBlock(id));
  const request = { question: 'what?', candidates, spec, topK: 2, streamEndSec: 2 };
  const ranked = await rankBlocks({ ...request, vectors: k }, { primary: 'queries' });
  assert.ok('keys' in ranked[0].scores && !('queries' in ranked[0].scores), 'scored by keys');
});

test('retrieval brings back the best stored blocks that fit, at most top k, in time order', async () => {
  const { model, calls } = fakeModel(true);
  const stored = Array.from({ length: 10 }, (_, id) => syntheticBlock(id, id === 8 ? 20 : 8));
  const recent = [10, 11].map((id) => syntheticBlock(id));
  const loaded: number[] = [];
  const result = await retrieveForContext(
    {
      question: 'summarize',
      questionEmbeds: question,
      model,
      sinkContext,
      stored,
      inContext: recent,
      // Block 7's bytes fail their check: it is passed over.
      load: (id) => {
        loaded.push(id);
        return id === 7 ? null : stored[id];
      },
      topK: 3,
      tokenRoom: 24,
      streamEndSec: 11,
    },
    { primary: 'recency' },
  );
  // Recency ranks 11, 10 (already in context), 9, 8 (20 tokens: no room left), 7, 6, 5.
  assert.deepEqual(loaded, [9, 7, 6, 5]);
  assert.deepEqual(
    result.blocks.map((b) => b.id),
    [5, 6, 9],
  );
  assert.deepEqual(
    result.evidence.map((e) => e.blockId),
    [11, 10, 9, 6, 5],
  );
  assert.equal(calls.length, 0);
});
