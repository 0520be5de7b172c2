// The reason an evidence frame reports, and the fused timeline scores' range.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { evidenceReason } from '../../../engine/session/evidence-reason';
import { fuseTimelineEvidence } from '../../../engine/timeline';

const context = { sinkId: -1, recent: [7, 8, 9], retrieved: [2, 4] };

test('a frame is "retrieved" only when its block came back from the offloaded tier', () => {
  assert.equal(evidenceReason({ blockId: 4 }, context), 'retrieved');
  assert.equal(evidenceReason({ blockId: 8 }, context), 'recent');
  assert.equal(
    evidenceReason({ blockId: 8 }, { ...context, retrieved: [] }),
    'recent',
    'with nothing retrieved, recent-window frames never say retrieved',
  );
  assert.equal(evidenceReason({ blockId: -1 }, context), 'sink');
});

test('the text or time signal names the reason when it outweighed attention', () => {
  assert.equal(evidenceReason({ blockId: 4, signal: 'time' }, context), 'time');
  assert.equal(evidenceReason({ blockId: 8, signal: 'text' }, context), 'text');
  assert.equal(
    evidenceReason({ blockId: 3, event: { kind: 'text', reason: 'appeared' } }, context),
    'text',
  );
});

test('timeline fusion keeps scores in [0, 1] and the order by relevance', () => {
  const e = (blockId: number, score: number) => ({
    blockId,
    frameIndex: blockId,
    timeSec: blockId,
    score,
    scores: {},
    retrieved: false,
  });
  const fused = fuseTimelineEvidence(
    [e(1, 0.9), e(2, 0.1), e(3, 0)],
    [{ timeSec: 2, frameIndex: 2, score: 1.4, kind: 'text', reason: 'Error appeared' }],
    [1, 2, 3].map((i) => ({ blockId: i, frameIndex: i, timeSec: i })),
    (b) => ({ ...b, score: 0, scores: {}, retrieved: false }),
  );
  assert.deepEqual(
    fused.map((f) => f.blockId),
    [2, 1, 3],
  );
  for (const f of fused) assert.ok(f.score >= 0 && f.score <= 1, `score ${f.score}`);
  assert.equal(fused[2].score, 0, 'a frame no scorer found anything in scores 0');
});
