import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, truncateSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { resolveFfmpeg } from '../../../engine/ingest/ffmpeg-path';
import { openStream, type OpenStreamOptions } from '../../../engine/stream';
import { syntheticModel, tempDir } from '../stream/helpers';

/** A real 12-second test-pattern video (ffmpeg lavfi), changing every frame. */
function makeVideo(dir: string): string {
  const path = join(dir, 'pattern.mp4');
  const ffmpeg = resolveFfmpeg().path;
  const r = spawnSync(ffmpeg, [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=duration=12:size=96x64:rate=2',
    '-pix_fmt',
    'yuv420p',
    path,
  ]);
  assert.equal(r.status, 0, String(r.stderr));
  return path;
}

const question = 'What is on screen at 0:03?';

function options(cacheDir: string, warnings: string[] = []): OpenStreamOptions {
  return {
    model: syntheticModel(),
    recentBlocks: 3,
    topK: 4,
    memoryBudget: 1e9,
    cacheDir,
    onWarning: (m) => warnings.push(m),
  };
}

/** A fresh video in a temp dir, encoded once into a stream saved under <dir>/cache. */
async function encodedStream(t: TestContext) {
  const dir = tempDir(t);
  const video = makeVideo(dir);
  const cacheDir = join(dir, 'cache');
  const first = await openStream(video, options(cacheDir));
  await first.ready;
  return { dir, video, cacheDir, first };
}

test('a video is encoded once; reopening reuses the saved stream and answers identically', async (t) => {
  const { video, cacheDir, first } = await encodedStream(t);
  assert.equal(first.reopened, false);
  assert.ok(first.persistDir?.startsWith(join(cacheDir, 'streams')));
  const a = await first.ask(question, { maxTokens: 6, withLogits: true });
  assert.equal(a.cache.framesEncoded + a.cache.framesSkipped, 12);
  await first.close();

  const second = await openStream(video, options(cacheDir));
  await second.ready;
  assert.equal(second.reopened, true, 'no re-encoding');
  assert.equal(second.stats().encodeMs, 0);
  const b = await second.ask(question, { maxTokens: 6, withLogits: true });
  assert.equal(b.answer, a.answer);
  assert.deepEqual(b.logits, a.logits);
  assert.deepEqual(
    b.evidence.map((e) => e.blockId),
    a.evidence.map((e) => e.blockId),
  );
  await second.close();

  // A different sampling rate is a different encoded stream.
  const third = await openStream(video, { ...options(cacheDir), fps: 2 });
  assert.equal(third.reopened, false);
  await third.close();
});

test('a corrupted or truncated block file is reported and left out, never used silently', async (t) => {
  const { video, cacheDir, first } = await encodedStream(t);
  await first.close();
  const streamDir = first.persistDir!;
  const blocks = readdirSync(streamDir)
    .filter((f) => f.startsWith('block-'))
    .sort();
  assert.ok(blocks.length >= 2);
  const corrupted = join(streamDir, blocks[0]);
  const bytes = readFileSync(corrupted);
  bytes[200] ^= 0x55;
  writeFileSync(corrupted, bytes);
  truncateSync(join(streamDir, blocks[1]), 50);

  const warnings: string[] = [];
  const s = await openStream(video, { ...options(cacheDir, warnings), topK: 64 });
  assert.equal(s.reopened, true);
  const r = await s.ask(question, { maxTokens: 2 });
  assert.equal(warnings.filter((w) => /integrity check/.test(w)).length, 2, warnings.join('\n'));
  assert.equal(r.cache.retrievable.corrupt, 2);
  const used = new Set(r.context.retrieved);
  for (const name of blocks.slice(0, 2)) assert.ok(!used.has(Number(name.match(/\d+/)![0])));
  await s.close();
});

test('a damaged sink file makes the saved stream unusable: it is re-encoded with a warning', async (t) => {
  const { video, cacheDir, first } = await encodedStream(t);
  const a = await first.ask(question, { maxTokens: 4 });
  await first.close();
  truncateSync(join(first.persistDir!, 'sink.kvb'), 10);
  const warnings: string[] = [];
  const s = await openStream(video, options(cacheDir, warnings));
  await s.ready;
  assert.equal(s.reopened, false);
  assert.match(warnings.join('\n'), /saved stream .* is unusable .*encoding the source again/);
  assert.equal((await s.ask(question, { maxTokens: 4 })).answer, a.answer);
  await s.close();
  const again = await openStream(video, options(cacheDir));
  assert.equal(again.reopened, true, 'the re-encoded stream was saved again');
  await again.close();
});

test('an unwritable cache directory degrades to RAM with a warning', async (t) => {
  const dir = tempDir(t);
  const video = makeVideo(dir);
  const blocker = join(dir, 'not-a-dir');
  writeFileSync(blocker, 'a file where the cache directory should be');
  const warnings: string[] = [];
  const s = await openStream(video, {
    ...options(join(blocker, 'cache'), warnings),
    memoryBudget: 8 * 1024,
  });
  await s.ready;
  assert.equal(s.persistDir, null);
  assert.match(warnings[0], /cache directory .* is not writable .* RAM only/);
  const r = await s.ask(question, { maxTokens: 2 });
  assert.ok(r.cache.retrievable.budgetedBytes <= 8 * 1024);
  await s.close();
});

test('the cache directory keeps to its disk budget, removing least recently used streams', async (t) => {
  const { video, cacheDir, first } = await encodedStream(t);
  await first.close();
  mkdirSync(join(cacheDir, 'streams', 'old-stream'), { recursive: true });
  writeFileSync(join(cacheDir, 'streams', 'old-stream', 'manifest.json'), Buffer.alloc(64 * 1024));
  const warnings: string[] = [];
  const s = await openStream(video, { ...options(cacheDir, warnings), fps: 2, diskBudgetBytes: 1 });
  await s.ready;
  await s.close();
  const left = readdirSync(join(cacheDir, 'streams'));
  assert.ok(!left.includes('old-stream'));
  assert.match(warnings.join('\n'), /disk budget: removed/);
});

test('a saved stream kept over the budget while open is trimmed when it closes', async (t) => {
  const { video, cacheDir, first } = await encodedStream(t);
  await first.close();
  // Reopened from the cache: in use, so a save elsewhere could not remove it.
  const warnings: string[] = [];
  const s = await openStream(video, { ...options(cacheDir, warnings), diskBudgetBytes: 1 });
  await s.ready;
  assert.equal(s.reopened, true);
  assert.equal(readdirSync(join(cacheDir, 'streams')).length, 1, 'kept while open');
  await s.close();
  assert.deepEqual(readdirSync(join(cacheDir, 'streams')), [], 'trimmed on close');
  assert.match(warnings.join('\n'), /disk budget: removed 1/);
});
