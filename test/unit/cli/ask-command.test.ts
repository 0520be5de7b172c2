// `vlm ask` end to end in a real process, on the built-in reference model.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { tempDir } from '../stream/helpers';

const root = join(__dirname, '..', '..', '..');

function vlm(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'engine', 'cli', 'main.ts'), ...args],
    {
      cwd: root,
      env: { ...process.env, VLM_MODEL_DIR: '', ...env },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('vlm ask on an image prints one JSON object with answer, evidence, timings and cache tiers', async (t) => {
  const dir = tempDir(t);
  const image = join(dir, 'screen.png');
  await sharp({
    create: { width: 120, height: 80, channels: 3, background: { r: 200, g: 40, b: 90 } },
  })
    .png()
    .toFile(image);
  const r = vlm(['ask', image, 'What colour is the screen?', '--json', '--max-tokens', '4'], {
    VLM_CACHE_DIR: join(dir, 'cache'),
  });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(typeof out.answer, 'string');
  assert.equal(out.evidence.length, 1);
  assert.deepEqual(Object.keys(out.evidence[0]).slice(0, 3), ['timeSec', 'frameIndex', 'score']);
  for (const key of ['ttftMs', 'tpotMs', 'totalMs', 'encodeMs'])
    assert.equal(typeof out.timings[key], 'number');
  for (const tier of ['sink', 'recent', 'retrievable'])
    for (const key of ['blocks', 'tokens', 'bytes'])
      assert.equal(typeof out.cache[tier][key], 'number');
  assert.equal(out.cache.recent.blocks, 1, 'an image is a one-block stream');
  assert.match(r.stderr, /generated.*not meaningful.*VLM_MODEL_DIR/s);
  assert.match(out.notice, /not meaningful/);
});

test('vlm ask names the problem for a missing file or a bad option', () => {
  const missing = vlm(['ask', '/nonexistent/video.mp4', 'what?'], {});
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file: \/nonexistent\/video\.mp4/);
  const bad = vlm(['ask', __filename, 'what?', '--policy', 'magic'], {});
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--policy must be one of rekv, streaming-llm, full, h2o/);
});
