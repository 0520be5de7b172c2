import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { representativeKeys, type BlockMeta } from '../../../engine/cache/block';
import {
  parseTimeHint,
  rankBlocks,
  type QuestionVectors,
  type ScorerName,
} from '../../../engine/cache/retrieval';
import { applyRope } from '../../../engine/cache/rope';
import { random, tinySpec } from './helpers';

const spec = tinySpec;
const tokens = 8;

/** Pre-RoPE keys = a shared bias (real keys have one) + noise, plus `signal` on every token. */
function blockWithKeys(id: number, signal: Float32Array | null): BlockMeta {
  const rnd = random(id + 100);
  const { numKvHeads: heads, headDim } = spec;
  const keyPosition = 20 + id * tokens;
  const kv = Array.from({ length: spec.numLayers }, () => {
    const raw = new Float32Array(heads * tokens * headDim);
    for (let h = 0; h < heads; h++)
      for (let t = 0; t < tokens; t++)
        for (let d = 0; d < headDim; d++) {
          const i = (h * tokens + t) * headDim + d;
          raw[i] = (d % 4 === 0 ? 1.5 : 0) + rnd() + (signal ? signal[h * headDim + d] : 0);
        }
    return { key: applyRope(raw, heads, tokens, headDim, spec.rope, keyPosition), value: raw };
  });
  return {
    id,
    frameIndex: id,
    timeSec: id,
    tokenCount: tokens,
    keyPosition,
    representatives: representativeKeys(kv, tokens, keyPosition, spec),
  };
}

function needleSetup() {
  const rnd = random(42);
  const direction = Float32Array.from({ length: spec.numKvHeads * spec.headDim }, () => rnd() * 2);
  const needle = 37;
  const blocks = Array.from({ length: 60 }, (_, i) =>
    blockWithKeys(i, i === needle ? direction : null),
  );
  const layers = spec.numLayers;
  const group = spec.numHeads / spec.numKvHeads;
  const vectors: QuestionVectors = {
    keys: Array.from({ length: layers }, () => direction),
    queries: Array.from({ length: layers }, () =>
      Float32Array.from({ length: spec.numHeads * spec.headDim }, (_, i) => {
        const h = Math.floor(i / spec.headDim);
        return direction[Math.floor(h / group) * spec.headDim + (i % spec.headDim)];
      }),
    ),
  };
  return { blocks, vectors, needle };
}

for (const scorer of ['queries', 'keys'] as ScorerName[])
  test(`needle: the one block whose keys match the question ranks first (${scorer} scorer)`, async () => {
    const { blocks, vectors, needle } = needleSetup();
    const ranked = await rankBlocks(
      { question: 'where is it?', vectors, candidates: blocks, spec, topK: 4, streamEndSec: 59 },
      { primary: scorer },
    );
    assert.equal(ranked[0].blockId, needle);
    assert.equal(ranked[0].timeSec, needle);
    assert.ok(ranked[0].score > ranked[1].score);
  });

test('time hints: clock times, "around", seconds, start, end', () => {
  assert.deepEqual(parseTimeHint('what happens at 0:45?', 100), {
    timeSec: 45,
    spreadSec: 1,
    phrase: '0:45',
  });
  assert.equal(parseTimeHint('what is shown around 2:30', 600)?.timeSec, 150);
  assert.equal(parseTimeHint('what is shown around 2:30', 600)?.spreadSec, 10);
  assert.equal(parseTimeHint('at 1:02:03 who speaks', 9999)?.timeSec, 3723);
  assert.equal(parseTimeHint('what appears after 90 seconds', 600)?.timeSec, 90);
  assert.equal(parseTimeHint('what is on screen at the end?', 600)?.timeSec, 600);
  assert.equal(parseTimeHint('what is at the beginning', 600)?.timeSec, 0);
  assert.equal(parseTimeHint('what colour is the button', 600), null);
});

test('a time hint moves the named moment to the top, over attention scores', async () => {
  const { blocks, vectors } = needleSetup();
  const ranked = await rankBlocks(
    {
      question: 'what is on screen at 0:12?',
      vectors,
      candidates: blocks,
      spec,
      topK: 4,
      streamEndSec: 59,
    },
    { primary: 'keys' },
  );
  assert.equal(ranked[0].timeSec, 12);
  assert.ok(ranked[0].scores.time > 0.99);
});

test('the text-evidence hook scores blocks by matched on-screen text and attaches it', async () => {
  const { blocks, vectors } = needleSetup();
  const ranked = await rankBlocks(
    {
      question: 'when does the error dialog appear',
      vectors,
      candidates: blocks,
      spec,
      topK: 4,
      streamEndSec: 59,
    },
    {
      primary: 'recency',
      textEvidence: {
        search: (q) =>
          q.includes('error') ? [{ timeSec: 20.2, text: 'Error: disk full', score: 1 }] : [],
      },
    },
  );
  assert.equal(ranked[0].frameIndex, 20);
  assert.equal(ranked[0].text, 'Error: disk full');
});

test('fallback scorers: recency prefers the newest, uniform spreads its picks', async () => {
  const { blocks } = needleSetup();
  const request = {
    question: 'summarize',
    vectors: {},
    candidates: blocks,
    spec,
    topK: 4,
    streamEndSec: 59,
  };
  assert.equal((await rankBlocks(request, { primary: 'recency' }))[0].blockId, 59);
  const uniform = (await rankBlocks(request, { primary: 'uniform' }))
    .slice(0, 4)
    .map((e) => e.blockId);
  assert.deepEqual(
    uniform.sort((a, b) => a - b),
    [7, 22, 37, 52],
  );
});

test('scores stay in [0, 1] when a time hint and a text match add to the attention score', async () => {
  const { blocks, vectors } = needleSetup();
  const ranked = await rankBlocks(
    {
      question: 'what error is on screen at 0:20?',
      vectors,
      candidates: blocks,
      spec,
      topK: 4,
      streamEndSec: 59,
    },
    {
      primary: 'keys',
      textEvidence: { search: () => [{ timeSec: 20, text: 'Error: disk full', score: 1 }] },
    },
  );
  for (const e of ranked)
    assert.ok(e.score >= 0 && e.score <= 1, `score ${e.score} at ${e.timeSec}`);
  assert.equal(ranked[0].timeSec, 20);
  assert.equal(ranked[0].signal, 'time', 'the time hint weighs most for the named moment');
  // Order is unchanged by the scaling: the needle still beats the blocks with no signal.
  const needle = ranked.find((e) => e.blockId === 37)!;
  assert.ok(needle.score > ranked[ranked.length - 1].score);
  assert.equal(needle.signal, undefined, 'attention chose the needle, not text or time');
});
