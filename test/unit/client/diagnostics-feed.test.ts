// The diagnostics panel's replay: a closed stream's statistics are not replayed, so a panel
// opened later never lists a stream the server no longer has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PanelFeed, type PanelMessage } from '../../../client/diagnostics/messages';
import type { CacheStatsResult, StreamSummary } from '../../../protocol/protocol';

const summary = (streamId: string, state: StreamSummary['state']): PanelMessage => ({
  type: 'stream',
  stream: {
    streamId,
    label: `${streamId}.mp4`,
    source: { kind: 'file', uri: `file:///w/${streamId}.mp4` },
    state,
    framesDecoded: 0,
    framesEncoded: 0,
    framesSkipped: 0,
    encodedUntilSec: 0,
  },
});

const tier = { tokens: 1, bytes: 1, blocks: 1 };
const stats = (...ids: string[]): PanelMessage => ({
  type: 'stats',
  atMs: 1,
  stats: {
    memoryBytes: 1,
    streams: ids.map((streamId) => ({
      streamId,
      sink: tier,
      recent: tier,
      retrievable: { blocks: 0, inRamBytes: 0, onDiskBytes: 0 },
    })),
  } as unknown as CacheStatsResult,
});

const replayedIds = (feed: PanelFeed) => {
  const replay = feed.replay();
  assert.equal(replay.type, 'replay');
  const ids = new Set<string>();
  for (const m of replay.type === 'replay' ? replay.messages : []) {
    if (m.type === 'stream') ids.add(m.stream.streamId);
    if (m.type === 'stats') m.stats.streams.forEach((s) => ids.add(s.streamId));
  }
  return [...ids].sort();
};

test('a closed stream is dropped from the replay, statistics included', () => {
  const feed = new PanelFeed();
  [summary('a', 'encoding'), summary('b', 'encoding'), stats('a', 'b'), stats('a', 'b')].forEach(
    (m) => feed.record(m),
  );
  assert.deepEqual(replayedIds(feed), ['a', 'b']);
  feed.record(summary('a', 'closed'));
  assert.deepEqual(replayedIds(feed), ['b']);
  // An id used again (a new stream) is replayed again.
  feed.record(summary('a', 'opening'));
  assert.deepEqual(replayedIds(feed), ['a', 'b']);
});

test('a closed id is forgotten once no statistics in the history mention it', () => {
  const feed = new PanelFeed(2);
  feed.record(stats('old', 'b'));
  feed.record(summary('old', 'closed'));
  assert.deepEqual(replayedIds(feed), ['b']);
  feed.record(stats('b'));
  feed.record(stats('b'));
  assert.deepEqual(replayedIds(feed), ['b']);
  assert.equal((feed as unknown as { closed: Set<string> }).closed.size, 0);
});
