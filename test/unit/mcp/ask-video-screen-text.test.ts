// find_text_in_video and the timeline tool need the on-screen text read, so they open the
// file with screen text on, whatever the auto choice would judge it (issue 19: a recording
// judged camera footage failed with "opened without on-screen text").
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { askVideo, findTextInVideo, videoTimeline } from '../../../engine/mcp/ask-video';
import type { EngineSession, OpenOptions } from '../../../engine/session';

function fakeSession() {
  const opened: (OpenOptions | undefined)[] = [];
  const stream = {
    ready: Promise.resolve(),
    close: async () => undefined,
    stats: () => ({ framesEncoded: 3 }),
    searchText: () => [],
    timeline: () => ({ tracks: [] }),
    ask: async () => ({ answer: 'a', evidence: [], timings: { ttftMs: 1, totalMs: 2 } }),
    model: { id: 'm', reference: true },
    warnings: [],
  };
  const session = {
    open: async (_source: unknown, options?: OpenOptions) => {
      opened.push(options);
      return stream;
    },
  } as unknown as EngineSession;
  return { session, opened };
}

test('text search and the timeline open the file with screen text on', async () => {
  const { session, opened } = fakeSession();
  await findTextInVideo(session, '/v.mp4', 'error');
  await videoTimeline(session, '/v.mp4');
  assert.deepEqual(
    opened.map((o) => o?.screenText),
    ['on', 'on'],
  );
});

test('ask_video keeps the auto choice', async () => {
  const { session, opened } = fakeSession();
  await askVideo(session, '/v.mp4', 'q').catch(() => undefined);
  assert.equal(opened[0]?.screenText, undefined);
});
