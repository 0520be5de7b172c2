// The server's stream states and the wait of an ask with untilEncoded: who waits, what the
// progress says, what ends the wait (the end of encoding, vlm/askAnswerNow, cancellation),
// and the status state derived from what the engine is doing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StreamSummary } from '../../../protocol/protocol';
import {
  StreamStates,
  encodingMessage,
  mustWaitForEncoding,
  waitUntilEncoded,
} from '../../../server/stream-states';
import { deriveState, type Activity } from '../../../server/status';

const summary = (extra: Partial<StreamSummary> = {}): StreamSummary => ({
  streamId: 'stream-1',
  label: 'lazygit.mp4',
  source: { kind: 'file', uri: 'file:///tmp/lazygit.mp4' },
  state: 'encoding',
  framesDecoded: 0,
  framesEncoded: 0,
  framesSkipped: 0,
  encodedUntilSec: 0,
  ...extra,
});

const never = new Promise<void>(() => {});

test('only a file that is still encoding makes an ask wait', () => {
  assert.equal(mustWaitForEncoding(summary()), true);
  assert.equal(mustWaitForEncoding(summary({ state: 'opening' })), true);
  for (const state of ['ready', 'ended', 'failed', 'closed'] as const)
    assert.equal(mustWaitForEncoding(summary({ state })), false, state);
  assert.equal(mustWaitForEncoding(summary({ source: { kind: 'screen' } })), false);
  assert.equal(mustWaitForEncoding(undefined), false);
});

test('the progress names the file and its percentage, rounded down', () => {
  assert.equal(
    encodingMessage(summary({ percentage: 40.9 })),
    'Encoding lazygit.mp4: 40% — the answer follows when it is encoded',
  );
  assert.equal(
    encodingMessage(summary()),
    'Encoding lazygit.mp4: started — the answer follows when it is encoded',
  );
});

test('the wait reports each update and ends when the stream is ready', async () => {
  const states = new StreamStates();
  states.update(summary({ percentage: 10 }));
  const seen: (number | undefined)[] = [];
  const waited = waitUntilEncoded(states, 'stream-1', {
    signal: new AbortController().signal,
    answerNow: never,
    onProgress: (_m, pct) => seen.push(pct),
  });
  states.update(summary({ streamId: 'stream-2', percentage: 99 })); // another stream: ignored
  states.update(summary({ percentage: 55 }));
  states.update(summary({ state: 'ready', percentage: 100 }));
  assert.equal(await waited, 'encoded');
  assert.deepEqual(seen, [10, 55]);
});

test('answer-now and a closed or failed stream end the wait; cancelling rejects it', async () => {
  const states = new StreamStates();
  states.update(summary());
  let now!: () => void;
  const answerNow = new Promise<void>((r) => (now = r));
  const options = { signal: new AbortController().signal, onProgress: () => {} };
  const early = waitUntilEncoded(states, 'stream-1', { ...options, answerNow });
  now();
  assert.equal(await early, 'answerNow');

  const closed = waitUntilEncoded(states, 'stream-1', { ...options, answerNow: never });
  states.update(summary({ state: 'closed' }));
  assert.equal(await closed, 'encoded');
  assert.equal(states.get('stream-1'), undefined, 'a closed stream is forgotten');

  states.update(summary({ streamId: 'stream-3' }));
  const abort = new AbortController();
  const cancelled = waitUntilEncoded(states, 'stream-3', {
    ...options,
    signal: abort.signal,
    answerNow: never,
  });
  abort.abort(new Error('cancelled by the client'));
  await assert.rejects(cancelled, /cancelled by the client/);
});

test('no wait for a live source, an encoded file or an unknown stream', async () => {
  const states = new StreamStates();
  states.update(summary({ streamId: 'live', source: { kind: 'url', url: 'rtsp://x/y' } }));
  states.update(summary({ streamId: 'done', state: 'ready' }));
  const options = {
    signal: new AbortController().signal,
    answerNow: never,
    onProgress: () => assert.fail('no progress without a wait'),
  };
  for (const id of ['live', 'done', 'unknown'])
    assert.equal(await waitUntilEncoded(states, id, options), 'notNeeded', id);
  assert.deepEqual(
    states.encoding().map((s) => s.streamId),
    ['live'],
  );
});

test('the status state: blocking phases, then answering, reading text, encoding, idle', () => {
  const act = (entries: [Activity, number][]) => new Map(entries);
  assert.equal(deriveState('idle', act([]), 0), 'idle');
  assert.equal(deriveState('idle', act([]), 1), 'encoding');
  assert.equal(deriveState('idle', act([['readingText', 1]]), 1), 'readingText');
  assert.equal(
    deriveState(
      'idle',
      act([
        ['answering', 1],
        ['readingText', 1],
      ]),
      1,
    ),
    'answering',
  );
  assert.equal(deriveState('idle', act([['answering', 0]]), 0), 'idle', 'a count back at 0');
  assert.equal(deriveState('loadingModel', act([['answering', 1]]), 1), 'loadingModel');
  assert.equal(deriveState('error', act([]), 1), 'error');
});
