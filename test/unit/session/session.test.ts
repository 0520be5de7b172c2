// The engine session on real fixtures: what a file is comes from its content, a preview
// is never reopened as the whole video, gate settings key their own saved streams, and
// the on-screen text read while encoding answers searches without the file.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { EngineSession } from '../../../engine/session';
import { tinyModelDir } from '../model/tiny-model';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'real');
const RECORDING = join(FIXTURES, 'lazygit-nuke-working-tree.mp4');
const GIF = join(FIXTURES, 'terminal-thefuck-corrections.gif');

describe('engine session', () => {
  let cacheDir: string;
  let session: EngineSession;

  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'vlm-session-'));
    session = new EngineSession({ cacheDir, model: await tinyModelDir(), provider: 'cpu' });
  });
  after(async () => {
    await session.dispose();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  /** Opens, waits for ingest, reads the stats, closes. */
  async function encode(path: string, options: Parameters<EngineSession['open']>[1] = {}) {
    const stream = await session.open({ kind: 'file', path }, { screenText: false, ...options });
    try {
      await stream.ready;
      return { kind: stream.kind, reopened: stream.reopened, stats: stream.stats() };
    } finally {
      await stream.close();
    }
  }

  it('reads an animated GIF as a video: every second of it is seen', async () => {
    const { kind, stats } = await encode(GIF, { maxFrames: 3, persist: false });
    assert.equal(kind, 'video');
    assert.equal(stats.framesEncoded, 3);
  });

  it('reads an animated WebP (which ffmpeg cannot decode) frame by frame at its delays', async () => {
    const colours = [
      { r: 200, g: 0, b: 0 },
      { r: 0, g: 200, b: 0 },
      { r: 0, g: 0, b: 200 },
    ];
    const pages = await Promise.all(
      colours.map((background) =>
        sharp({ create: { width: 64, height: 48, channels: 3, background } })
          .png()
          .toBuffer(),
      ),
    );
    const path = join(cacheDir, 'three-colours.webp');
    await sharp(pages, { join: { animated: true } })
      .webp({ delay: [1000, 2000, 500], loop: 0 })
      .toFile(path);
    const { kind, stats } = await encode(path, { persist: false });
    assert.equal(kind, 'video');
    // Samples at 0, 1, 2 and 3 s show red, green, green (unchanged: skipped) and blue.
    assert.equal(stats.framesEncoded, 3);
    assert.equal(stats.framesSkipped, 1);
  });

  it('never reopens a preview (maxFrames) as the whole video', async () => {
    const preview = await encode(RECORDING, { maxFrames: 2 });
    assert.equal(preview.stats.framesEncoded, 2);
    const whole = await encode(RECORDING);
    assert.equal(whole.reopened, false, 'the full video is not the saved preview');
    assert.ok(
      whole.stats.framesEncoded + whole.stats.framesSkipped >= 11,
      JSON.stringify(whole.stats),
    );
    const again = await encode(RECORDING);
    assert.equal(again.reopened, true, 'the full video is reopened the second time');
    assert.equal(again.stats.framesEncoded, whole.stats.framesEncoded);
  });

  it('keys saved streams by the gate settings', async () => {
    const gated = await encode(RECORDING, { gate: { threshold: 40 } });
    assert.equal(gated.reopened, false, 'a stream gated at 40 levels is not the one gated at 12');
    const ungated = await encode(RECORDING, { gate: false });
    assert.equal(ungated.reopened, false);
    assert.ok(
      ungated.stats.framesEncoded > gated.stats.framesEncoded,
      `${ungated.stats.framesEncoded} frames without the gate, ${gated.stats.framesEncoded} with it`,
    );
    assert.equal(ungated.stats.framesSkipped, 0);
  });

  it('refuses an over-long question with the limit, before tokenizing it', async () => {
    const stream = await session.open(
      { kind: 'file', path: join(FIXTURES, 'tabby-ssh-session.png') },
      { screenText: false, persist: false },
    );
    try {
      await stream.ready;
      await assert.rejects(
        stream.ask('why? '.repeat(6000)),
        /30000 characters long; the limit is 8000/,
      );
      await assert.rejects(stream.ask('   '), /the question is empty/);
      const answer = await stream.ask('What is on the screen?', { maxTokens: 2 });
      assert.equal(answer.evidence.length, 1, 'the stream still answers');
    } finally {
      await stream.close();
    }
  });

  it('searches the text read while encoding, without reading the file again', async () => {
    const copy = join(cacheDir, 'recording.mp4');
    copyFileSync(RECORDING, copy);
    const stream = await session.open(
      { kind: 'file', path: copy },
      { screenText: true, persist: false },
    );
    try {
      await stream.ready;
      rmSync(copy);
      const hits = stream.searchText('Nuke');
      assert.ok(hits.length > 0, 'the dialog title is found');
      const blockFrames = new Set(stream.blocks().map((b) => b.frameIndex));
      for (const hit of hits)
        assert.ok(blockFrames.has(hit.frameIndex), `hit on frame ${hit.frameIndex} is a block`);
    } finally {
      await stream.close();
    }
  });
});
