// End to end through the `vlm` command (bin/vlm.js: the bundle when fresh, else the
// sources): pull from a local Hub, ask with the pulled model, list and remove it, and the
// first ask that pulls the default model by itself (or, offline, does not).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_MODEL_REPO } from '../../../engine/hub';
import { generateReferenceModel } from '../../../engine/model/reference';
import { tempDir } from '../stream/helpers';
import { COMMIT, FakeHub, repoFromFolder } from './hub-server';

const root = join(__dirname, '..', '..', '..');
const IMAGE = join(root, 'test', 'fixtures', 'real', 'tabby-ssh-session.png');
const REPO = 'test-org/tiny-vlm';
let modelDir: string;
let hub: FakeHub;
let defaultHub: FakeHub;

before(async () => {
  modelDir = mkdtempSync(join(tmpdir(), 'vlm-hub-model-'));
  await generateReferenceModel({ preset: 'tiny', outDir: join(modelDir, 'tiny') });
  const files = repoFromFolder(join(modelDir, 'tiny'), ['', '_fp16', '_quantized']);
  hub = new FakeHub(REPO, files);
  defaultHub = new FakeHub(DEFAULT_MODEL_REPO, files);
  await Promise.all([hub.start(), defaultHub.start()]);
});

after(async () => {
  await Promise.all([hub.stop(), defaultHub.stop()]);
  rmSync(modelDir, { recursive: true, force: true });
});

/** Runs vlm asynchronously: the fake Hub answers from this process meanwhile. */
function vlm(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'vlm.js'), ...args], {
      cwd: root,
      env: { ...process.env, VLM_MODEL_DIR: '', HF_TOKEN: '', HF_HUB_OFFLINE: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function envFor(dir: string, endpoint: string): NodeJS.ProcessEnv {
  return { HF_ENDPOINT: endpoint, HF_HUB_CACHE: join(dir, 'hf'), VLM_CACHE_DIR: join(dir, 'vlm') };
}

test('vlm model pull --dtype q8, then vlm ask --model org/name answers with it and names repo and revision', async (t) => {
  const env = envFor(tempDir(t), hub.url);
  const pulled = await vlm(['model', 'pull', REPO, '--dtype', 'q8', '--json'], env);
  assert.equal(pulled.code, 0, pulled.stderr);
  const summary = JSON.parse(pulled.stdout);
  assert.equal(summary.repo, REPO);
  assert.equal(summary.revision, COMMIT);
  assert.equal(summary.dtype, 'q8');
  assert.match(pulled.stderr, /downloaded {2}onnx\/decoder_model_merged_quantized\.onnx/);

  const asked = await vlm(
    [
      'ask',
      IMAGE,
      'What is on the screen?',
      '--json',
      '--model',
      REPO,
      '--max-tokens',
      '4',
      '--no-ocr',
    ],
    env,
  );
  assert.equal(asked.code, 0, asked.stderr);
  const answer = JSON.parse(asked.stdout);
  assert.equal(answer.model.id, REPO);
  assert.equal(answer.model.repo, REPO);
  assert.equal(answer.model.revision, COMMIT);
  assert.equal(answer.notice, undefined);

  const listed = await vlm(['model', 'list', '--json'], env);
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(
    JSON.parse(listed.stdout).pulled.map((m: { repo: string }) => m.repo),
    [REPO],
  );
  const removed = await vlm(['model', 'rm', REPO], env);
  assert.equal(removed.code, 0, removed.stderr);
  assert.match(removed.stdout, /removed test-org\/tiny-vlm/);
  const again = await vlm(['ask', IMAGE, 'q', '--json', '--model', REPO, '--no-ocr'], env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /test-org\/tiny-vlm is not pulled.*vlm model pull test-org\/tiny-vlm/);
});

test('vlm model pull: a 404 and a bad name are clear errors', async (t) => {
  const env = envFor(tempDir(t), hub.url);
  const missing = await vlm(['model', 'pull', 'test-org/nothing'], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /test-org\/nothing@main: no such repository/);
  const bad = await vlm(['model', 'pull', 'not a name'], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /'not a name' is not a Hugging Face model name/);
});

test('the first ask with no model installed pulls the default model, saying what and how big; --offline does not', async (t) => {
  const env = envFor(tempDir(t), defaultHub.url);
  defaultHub.log.length = 0;
  const offline = await vlm(
    ['ask', IMAGE, 'q', '--json', '--max-tokens', '2', '--no-ocr', '--offline'],
    env,
  );
  assert.equal(offline.code, 0, offline.stderr);
  assert.equal(defaultHub.log.length, 0, 'offline: no request to the Hub');
  assert.match(offline.stderr, /offline mode is on/);
  assert.equal(JSON.parse(offline.stdout).model.id, 'reference:tiny');

  const first = await vlm(['ask', IMAGE, 'q', '--json', '--max-tokens', '2', '--no-ocr'], env);
  assert.equal(first.code, 0, first.stderr);
  assert.match(
    first.stderr,
    /No model is installed: pulling HuggingFaceTB\/SmolVLM2-256M-Video-Instruct \(q8, about \d+\.\d MiB\)/,
  );
  const answer = JSON.parse(first.stdout);
  assert.equal(answer.model.repo, DEFAULT_MODEL_REPO);
  assert.equal(answer.model.revision, COMMIT);

  // Installed now: the next ask uses it without contacting the Hub.
  defaultHub.log.length = 0;
  const next = await vlm(['ask', IMAGE, 'q', '--json', '--max-tokens', '2', '--no-ocr'], env);
  assert.equal(next.code, 0, next.stderr);
  assert.equal(JSON.parse(next.stdout).model.id, DEFAULT_MODEL_REPO);
  assert.equal(defaultHub.log.length, 0);
});
