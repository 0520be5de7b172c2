// `vlm ask` end to end in a real process, with no model installed: the built-in reference
// model encodes, and only the evidence (and, with --reference, its labelled tokens) is printed.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import {
  NO_MODEL_NOTICE,
  PULL_COMMAND,
  REFERENCE_ANSWER_LABEL,
} from '../../../engine/cli/ask-output';
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
  assert.equal(out.answer, null, 'no model is installed: no answer');
  assert.equal(out.evidence.length, 1);
  assert.deepEqual(Object.keys(out.evidence[0]).slice(0, 3), ['timeSec', 'frameIndex', 'score']);
  for (const key of ['ttftMs', 'tpotMs', 'totalMs', 'encodeMs'])
    assert.equal(typeof out.timings[key], 'number');
  for (const tier of ['sink', 'recent', 'retrievable'])
    for (const key of ['blocks', 'tokens', 'bytes'])
      assert.equal(typeof out.cache[tier][key], 'number');
  assert.equal(out.cache.recent.blocks, 1, 'an image is a one-block stream');
  assert.match(r.stderr, /No model is installed.*vlm model pull/);
  assert.equal(out.notice, NO_MODEL_NOTICE);
  assert.deepEqual(out.model, { id: 'reference:tiny', installed: false, pull: PULL_COMMAND });
  assert.equal(out.referenceAnswer, undefined, 'reference tokens only with --reference');
});

const LAZYGIT = join(root, 'test', 'fixtures', 'real', 'lazygit-nuke-working-tree.mp4');
/** The first five seconds hold the 'Nuke working tree' menu (about 2.4 s in). */
const PREVIEW = ['--max-frames', '5', '--max-tokens', '4'];

test('with no model, vlm ask prints the notice on stdout and stderr and the evidence with its screen text', (t) => {
  const cache = join(tempDir(t), 'cache');
  const r = vlm(['ask', LAZYGIT, 'What does the menu offer?', ...PREVIEW], {
    VLM_CACHE_DIR: cache,
  });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], NO_MODEL_NOTICE, 'the notice is the first line of stdout');
  assert.match(NO_MODEL_NOTICE, /vlm model pull HuggingFaceTB\/SmolVLM2-256M-Video-Instruct/);
  assert.ok(r.stderr.includes(NO_MODEL_NOTICE), 'and it is on stderr');
  assert.ok(!r.stdout.includes(REFERENCE_ANSWER_LABEL), 'no reference tokens by default');
  const evidence = lines.slice(lines.indexOf('Evidence') + 1);
  assert.match(
    evidence[0],
    /^\s+0:0\d(-0:0\d)?\s+frame \d+\s+score [01]\.\d{3}\s+(sink|recent|retrieved|text|time)$/,
  );
  assert.ok(
    evidence.some((l) => /^\s+text: .*Nuke working tree/.test(l)),
    `the menu's on-screen text is in the evidence:\n${r.stdout}`,
  );

  // --json from the saved stream: the same evidence, no answer, the model not installed.
  const j = vlm(['ask', LAZYGIT, 'What does the menu offer?', ...PREVIEW, '--json'], {
    VLM_CACHE_DIR: cache,
  });
  assert.equal(j.code, 0, j.stderr);
  const out = JSON.parse(j.stdout);
  assert.equal(out.answer, null);
  assert.equal(out.model.installed, false);
  assert.equal(out.model.pull, PULL_COMMAND);
  assert.equal(out.cache.reopened, true);
  assert.ok(out.evidence.some((e: { text?: string }) => /Nuke working tree/.test(e.text ?? '')));
  for (const e of out.evidence) assert.equal(typeof e.timeSec, 'number');
});

test('vlm ask --reference prints the reference model tokens under their label', async (t) => {
  const dir = tempDir(t);
  const image = join(dir, 'screen.png');
  await sharp({ create: { width: 96, height: 64, channels: 3, background: '#2050c0' } })
    .png()
    .toFile(image);
  const env = { VLM_CACHE_DIR: join(dir, 'cache') };
  const r = vlm(['ask', image, 'What is shown?', '--reference', '--max-tokens', '3'], env);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], NO_MODEL_NOTICE);
  assert.equal(lines[1], REFERENCE_ANSWER_LABEL);
  assert.ok(lines[2].length > 0, 'the tokens follow the label');
  const j = vlm(
    ['ask', image, 'What is shown?', '--reference', '--max-tokens', '3', '--json'],
    env,
  );
  const out = JSON.parse(j.stdout);
  assert.equal(out.answer, null);
  assert.equal(typeof out.referenceAnswer, 'string');
  assert.ok(out.referenceAnswer.length > 0);
});

test('vlm ask names the problem for a missing file or a bad option', () => {
  const missing = vlm(['ask', '/nonexistent/video.mp4', 'what?'], {});
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file: \/nonexistent\/video\.mp4/);
  const bad = vlm(['ask', __filename, 'what?', '--policy', 'magic'], {});
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--policy must be one of rekv, streaming-llm, full, h2o/);
});
