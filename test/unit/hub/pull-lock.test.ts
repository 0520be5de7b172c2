// Two `vlm model pull` of one repository into one cache at once, as two real processes
// against the local Hub: the second waits for the first's lock and downloads nothing, each
// file is fetched once, the lock is gone afterwards; a lock left by a dead process is taken over.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { pullLockPath } from '../../../engine/hub/pull-lock';
import { generateReferenceModel } from '../../../engine/model/reference';
import { tempDir } from '../stream/helpers';
import { FakeHub, repoFromFolder } from './hub-server';

const root = join(__dirname, '..', '..', '..');
const REPO = 'test-org/tiny-vlm';
const WAITED = /another pull of test-org\/tiny-vlm into this cache is running \(pid \d+/;
let modelDir: string;
let hub: FakeHub;

before(async () => {
  modelDir = mkdtempSync(join(tmpdir(), 'vlm-hub-model-'));
  await generateReferenceModel({ preset: 'tiny', outDir: join(modelDir, 'tiny') });
  hub = new FakeHub(REPO, repoFromFolder(join(modelDir, 'tiny'), ['', '_quantized']));
  await hub.start();
});

after(async () => {
  await hub.stop();
  rmSync(modelDir, { recursive: true, force: true });
});

function pull(cache: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      [join(root, 'bin', 'vlm.js'), 'model', 'pull', REPO, '--dtype', 'q8', '--json'],
      {
        cwd: root,
        env: { ...process.env, HF_ENDPOINT: hub.url, HF_HUB_CACHE: cache, HF_HUB_OFFLINE: '' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('two pulls of one repository at once: one waits, each file is fetched once', async (t) => {
  const cache = join(tempDir(t), 'hf');
  hub.log.length = 0;
  hub.faults = { contentDelayMs: 400 };
  const [a, b] = await Promise.all([pull(cache), pull(cache)]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const waited = [a, b].filter((r) => WAITED.test(r.stderr));
  assert.equal(waited.length, 1, `stderr:\n${a.stderr}\n---\n${b.stderr}`);
  const [first, second] = WAITED.test(a.stderr) ? [b, a] : [a, b];
  const firstSummary = JSON.parse(first.stdout);
  const secondSummary = JSON.parse(second.stdout);
  assert.ok(firstSummary.downloadedBytes > 0);
  assert.equal(secondSummary.downloadedBytes, 0, 'the second pull downloaded again');
  assert.equal(secondSummary.dir, firstSummary.dir);
  const fetched = hub.contentRequests().map((r) => r.url);
  assert.equal(new Set(fetched).size, fetched.length, `a file was fetched twice: ${fetched}`);
  assert.equal(existsSync(pullLockPath(cache, REPO)), false, 'the lock was left behind');
});

test('a lock left by a process that is gone is taken over', async (t) => {
  const cache = join(tempDir(t), 'hf');
  hub.faults = {};
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  const lock = pullLockPath(cache, REPO);
  mkdirSync(dirname(lock), { recursive: true });
  writeFileSync(lock, JSON.stringify({ pid: Number(gone.stdout), host: hostname(), since: '' }));
  const result = await pull(cache);
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stderr, WAITED);
  assert.ok(JSON.parse(result.stdout).downloadedBytes > 0);
  assert.equal(existsSync(lock), false, 'the stale lock is still there');
});
