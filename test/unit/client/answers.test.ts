// Answer history, the copy-to-clipboard text, the stream registry and live sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnswerHistory, answerAsMarkdown, noSignal } from '../../../client/answers/history';
import { liveLabel, liveSource } from '../../../client/commands/live-source';
import { StreamRegistry, describeStream } from '../../../client/streams/registry';
import { PanelFeed, type PanelMessage } from '../../../client/diagnostics/messages';
import type { AskResult, StreamSummary } from '../../../protocol/protocol';

const result: AskResult = {
  askId: 'a',
  answer: 'The menu opens.',
  evidence: [
    { timeSec: 4.8, frameIndex: 4, score: 0.74, reason: 'retrieved', text: 'Nuke working tree' },
    { timeSec: 2.4, frameIndex: 2, score: 0.58, reason: 'recent' },
    { timeSec: 0.4, frameIndex: 0, score: 0, reason: 'recent' },
    { timeSec: 1.2, frameIndex: 1, score: 0.58, reason: 'text' },
  ],
  timings: { totalMs: 1200, tokens: 5 },
};

test('tokens are placed by index, the result replaces them, evidence is by relevance', () => {
  const h = new AnswerHistory();
  h.start('a', 's1', 'What happens?', 1);
  h.token('a', 1, ' menu');
  const partial = h.token('a', 0, 'The');
  assert.equal(partial!.text, 'The menu');
  assert.equal(partial!.state, 'streaming');
  const done = h.finish('a', result)!;
  assert.equal(done.text, 'The menu opens.');
  // Most relevant first, ties in time order, no-signal frames last.
  assert.deepEqual(
    done.evidence.map((e) => e.timeSec),
    [4.8, 1.2, 2.4, 0.4],
  );
  assert.deepEqual(
    done.evidence.filter(noSignal).map((e) => e.timeSec),
    [0.4],
  );
  assert.equal(h.token('a', 2, 'late'), undefined, 'tokens after the end are ignored');
});

test('each stream keeps its own history, newest first, bounded', () => {
  const h = new AnswerHistory(2);
  h.start('a', 's1', 'q1', 1);
  h.start('b', 's2', 'q2', 2);
  h.start('c', 's1', 'q3', 3);
  h.start('d', 's1', 'q4', 4);
  assert.deepEqual(
    h.forStream('s1').map((e) => e.question),
    ['q4', 'q3'],
  );
  assert.deepEqual(
    h.forStream('s2').map((e) => e.question),
    ['q2'],
  );
  h.fail('b', 'cancelled by the user', true);
  assert.equal(h.get('b')!.state, 'cancelled');
});

test('a copied answer has the question, the answer and timestamped evidence', () => {
  const h = new AnswerHistory();
  h.start('a', 's1', 'What happens?');
  const md = answerAsMarkdown(h.finish('a', result)!, (s) => `${s.toFixed(1)}s`);
  assert.equal(
    md,
    '**Q:** What happens?\n\nThe menu opens.\n\nEvidence:\n- 4.8s (score 0.74, retrieved): Nuke working tree\n- 1.2s (score 0.58, text)\n- 2.4s (score 0.58, recent)\n- 0.4s (score 0.00, recent)',
  );
});

test('live sources: screen, camera and URL, with a clear error for bad URLs', () => {
  assert.deepEqual(liveSource('screen', ''), { kind: 'screen' });
  assert.deepEqual(liveSource('screen', ':1.0'), { kind: 'screen', display: ':1.0' });
  assert.deepEqual(liveSource('camera', '', 'linux'), { kind: 'camera', device: '/dev/video0' });
  assert.deepEqual(liveSource('url', 'rtsp://cam.local/live'), {
    kind: 'url',
    url: 'rtsp://cam.local/live',
  });
  assert.throws(() => liveSource('url', 'cam.local'), /"cam.local" is not a URL/);
  assert.throws(() => liveSource('url', 'ftp://x/y'), /ftp: URLs are not supported/);
  assert.equal(liveLabel({ kind: 'file', uri: 'file:///tmp/my%20clip.mp4' }), 'my clip.mp4');
});

test('the stream registry finds a file stream, forgets closed ones, and describes them', () => {
  const r = new StreamRegistry();
  const s: StreamSummary = {
    streamId: 's1',
    label: 'clip.mp4',
    source: { kind: 'file', uri: 'file:///c.mp4' },
    state: 'encoding',
    framesDecoded: 10,
    framesEncoded: 7,
    framesSkipped: 3,
    encodedUntilSec: 4.5,
  };
  r.update(s);
  assert.equal(r.forFile('file:///c.mp4')?.streamId, 's1');
  assert.deepEqual(describeStream(s), {
    label: 'clip.mp4',
    description: 'encoding · 7 frames encoded to 4.5 s, 30% skipped',
    detail: undefined,
  });
  r.update({ ...s, state: 'closed' });
  assert.equal(r.list().length, 0);
});

test('the panel feed replays budgets, status, open streams and a bounded history', () => {
  const feed = new PanelFeed(3);
  const stream: StreamSummary = {
    streamId: 's1',
    label: 'x',
    source: { kind: 'screen' },
    state: 'encoding',
    framesDecoded: 0,
    framesEncoded: 0,
    framesSkipped: 0,
    encodedUntilSec: 0,
  };
  feed.record({
    type: 'budgets',
    budgets: {
      sinkTokens: 1,
      recentBlocks: 1,
      topK: 1,
      maxContextTokens: 1,
      memoryBytes: 1,
      diskBytes: 1,
    },
  });
  feed.record({ type: 'stream', stream });
  feed.record({ type: 'stream', stream: { ...stream, streamId: 's2' } });
  feed.record({ type: 'stream', stream: { ...stream, streamId: 's2', state: 'closed' } });
  for (let i = 0; i < 5; i++)
    feed.record({ type: 'stats', atMs: i, stats: { streams: [], memoryBytes: i } });
  const replay = feed.replay() as Extract<PanelMessage, { type: 'replay' }>;
  assert.deepEqual(
    replay.messages.map((m) => m.type),
    ['budgets', 'stream', 'stats', 'stats', 'stats'],
  );
  assert.deepEqual(
    replay.messages.slice(2).map((m) => (m as { atMs: number }).atMs),
    [2, 3, 4],
  );
});
