// Live streams and a remote server: the stills a live stream keeps (JPEGs under a byte
// budget, oldest dropped first), and the remote generator sending them for the evidence
// times. Frames are decoded from a real screen recording; the backend records requests.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import type { Evidence } from '../../../engine/cache/retrieval';
import { decodeFrames } from '../../../engine/ingest';
import type { ChatBackend, ChatRequest } from '../../../engine/openai/backend';
import type { RgbFrame } from '../../../engine/remote/keyframes';
import { StillStore } from '../../../engine/remote/still-store';
import { remoteGenerator } from '../../../engine/remote/stream-generator';

const VIDEO = join(__dirname, '../../fixtures/real/lazygit-nuke-working-tree.mp4');

async function framesOf(count: number, fps = 2): Promise<RgbFrame[]> {
  const frames: RgbFrame[] = [];
  for await (const frame of decodeFrames(VIDEO, { fps })) {
    frames.push(frame);
    if (frames.length === count) break;
  }
  return frames;
}

function recordingBackend(answer = 'a remote answer') {
  const requests: ChatRequest[] = [];
  const backend: ChatBackend = {
    listModels: async () => ['remote'],
    async *generate(request) {
      requests.push(request);
      yield { type: 'text', text: answer };
      yield { type: 'done', finishReason: 'stop' };
    },
  };
  return { backend, requests };
}

const evidenceAt = (timeSec: number, text?: string): Evidence => ({
  blockId: Math.round(timeSec * 10),
  frameIndex: Math.round(timeSec * 2),
  timeSec,
  score: 1,
  scores: { keys: 1 },
  text,
});

test('the store keeps JPEG stills no larger than maxSide and finds the one nearest a time', async () => {
  const frames = await framesOf(4);
  const store = new StillStore({ maxSide: 512 });
  for (const frame of frames) await store.add(frame);
  assert.equal(store.stats.stills, 4);
  const still = store.near(frames[2].timeSec + 0.1, 0.25);
  assert.equal(still?.timeSec, frames[2].timeSec);
  assert.ok(still?.image && typeof still.image !== 'string' && still.image.kind === 'encoded');
  assert.equal(still.image.mediaType, 'image/jpeg');
  const meta = await sharp(still.image.bytes).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.equal(Math.max(meta.width!, meta.height!), 512);
  assert.equal(store.near(frames[3].timeSec + 5, 0.5), undefined, 'outside the tolerance');
});

test('over its byte budget the store drops the oldest stills first', async () => {
  const frames = await framesOf(6);
  // The recording opens on an almost empty screen, whose still is a fraction of the
  // others: the budget is counted in the largest still.
  let oneStill = 0;
  for (const frame of frames) {
    const probe = new StillStore();
    await probe.add(frame);
    oneStill = Math.max(oneStill, probe.stats.bytes);
  }
  const store = new StillStore({ maxBytes: Math.floor(oneStill * 2.5) });
  for (const frame of frames) await store.add(frame);
  const { stills, bytes, fromSec, toSec } = store.stats;
  assert.ok(stills >= 1 && stills <= 3, `${stills} stills kept`);
  assert.ok(bytes <= oneStill * 2.5 * 1.5, `${bytes} bytes kept`);
  assert.equal(toSec, frames[5].timeSec);
  assert.ok(fromSec! > frames[0].timeSec, 'the oldest still is gone');
});

test('the remote generator sends the kept stills at the evidence times, and names what it no longer has', async () => {
  const frames = await framesOf(6);
  const store = new StillStore({ maxBytes: 1 }); // keeps only the newest still
  for (const frame of frames) await store.add(frame);
  const { backend, requests } = recordingBackend();
  const generate = remoteGenerator({ source: { kind: 'stills', store }, backend });
  const tokens: string[] = [];
  const answer = await generate({
    question: 'What is on screen?',
    evidence: [evidenceAt(frames[5].timeSec, 'Nuke working tree'), evidenceAt(frames[0].timeSec)],
    maxTokens: 16,
    onToken: (t) => tokens.push(t),
  });
  assert.equal(answer, 'a remote answer');
  assert.deepEqual(tokens, ['a remote answer']);
  const parts = requests[0].messages[1].content;
  const images = parts.filter((p) => p.type === 'image');
  assert.equal(images.length, 1, 'one still kept, one evicted');
  const texts = parts.flatMap((p) => (p.type === 'text' ? [p.text] : []));
  assert.ok(
    texts.some((t) => /image no longer kept/.test(t)),
    texts.join(' | '),
  );
  assert.ok(texts.includes('Text on screen: Nuke working tree'));

  const empty = remoteGenerator({ source: { kind: 'stills', store: new StillStore() }, backend });
  await assert.rejects(
    empty({ question: 'q', evidence: [evidenceAt(1)], maxTokens: 4, onToken: () => {} }),
    /no kept still for the evidence frames \(1\.0 s\); this live stream keeps stills for none yet/,
  );
});
