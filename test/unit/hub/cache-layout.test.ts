// A snapshot laid out as Python's huggingface_hub writes it (blobs named by sha256 or git
// oid, relative symlinks, refs/main) is used as it is: pull finds it without downloading,
// offline too, and the session resolves `org/name` to it.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import {
  DEFAULT_MODEL_REPO,
  listPulledModels,
  pullModel,
  removePulledModel,
} from '../../../engine/hub';
import { generateReferenceModel } from '../../../engine/model/reference';
import {
  DEFAULT_MODEL_ID,
  defaultModelId,
  hubModelSnapshot,
  isHubModelId,
} from '../../../engine/session/models';
import { tempDir } from '../stream/helpers';
import { COMMIT, FakeHub, repoFromFolder, type RepoFileContent } from './hub-server';

const REPO = 'test-org/tiny-vlm';
let hub: FakeHub;
let modelDir: string;

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

/** Writes files the way huggingface_hub's hf_hub_download does. */
function writePythonCache(cache: string, files: RepoFileContent[], repo = REPO): string {
  const root = join(cache, `models--${repo.replace('/', '--')}`);
  const snapshot = join(root, 'snapshots', COMMIT);
  for (const f of files) {
    const etag = f.lfs
      ? createHash('sha256').update(f.content).digest('hex')
      : createHash('sha1').update(`blob ${f.content.length}\0`).update(f.content).digest('hex');
    const blob = join(root, 'blobs', etag);
    mkdirSync(dirname(blob), { recursive: true });
    writeFileSync(blob, f.content);
    const pointer = join(snapshot, f.path);
    mkdirSync(dirname(pointer), { recursive: true });
    symlinkSync(relative(dirname(pointer), blob), pointer);
  }
  mkdirSync(join(root, 'refs'), { recursive: true });
  writeFileSync(join(root, 'refs', 'main'), COMMIT);
  return snapshot;
}

test('a snapshot written by huggingface_hub is used without downloading, online and offline', async (t) => {
  const cache = tempDir(t);
  const snapshot = writePythonCache(
    cache,
    hub.files.filter((f) => !f.path.includes('_quantized')),
  );
  hub.log.length = 0;
  const online = await pullModel({
    repo: REPO,
    dtype: 'fp32',
    cacheDir: cache,
    endpoint: hub.url,
    env: {},
  });
  assert.equal(online.dir, snapshot);
  assert.equal(online.downloadedBytes, 0);
  assert.deepEqual(hub.contentRequests(), []);
  const offline = await pullModel({
    repo: REPO,
    dtype: 'auto',
    cacheDir: cache,
    env: { HF_HUB_OFFLINE: '1' },
  });
  assert.equal(offline.dir, snapshot);
  assert.equal(offline.dtype, 'fp32');

  // A dtype the snapshot lacks is fetched into the same snapshot, next to the Python files.
  const q8 = await pullModel({
    repo: REPO,
    dtype: 'q8',
    cacheDir: cache,
    endpoint: hub.url,
    env: {},
  });
  assert.equal(q8.dir, snapshot);
  assert.ok(
    q8.downloadedBytes === 0,
    'the _quantized copies share the fp32 blobs, so nothing new is fetched',
  );
  assert.deepEqual(hub.contentRequests(), []);
});

test('the session resolves org/name and org/name@commit to the pulled snapshot; list and rm see it', (t) => {
  const cache = tempDir(t);
  const snapshot = writePythonCache(cache, hub.files);
  const previous = process.env.HF_HUB_CACHE;
  process.env.HF_HUB_CACHE = cache;
  t.after(() =>
    previous === undefined
      ? delete process.env.HF_HUB_CACHE
      : (process.env.HF_HUB_CACHE = previous),
  );
  assert.ok(isHubModelId(REPO));
  assert.equal(hubModelSnapshot(REPO).dir, snapshot);
  assert.equal(hubModelSnapshot(`${REPO}@${COMMIT}`).revision, COMMIT);
  assert.throws(
    () => hubModelSnapshot('test-org/other'),
    /test-org\/other is not pulled.*vlm model pull test-org\/other/,
  );
  const listed = listPulledModels(cache);
  assert.deepEqual(
    listed.map((m) => [m.repo, m.snapshots[0].refs]),
    [[REPO, ['main']]],
  );
  assert.ok(listed[0].snapshots[0].bytes > 0);
  assert.ok((removePulledModel(cache, REPO) ?? 0) > 0);
  assert.deepEqual(listPulledModels(cache), []);
});

test('the default model id: VLM_MODEL_DIR, else the pulled default model, else the reference model', (t) => {
  const cache = tempDir(t);
  const env = { HF_HUB_CACHE: cache };
  assert.equal(defaultModelId(env), DEFAULT_MODEL_ID);
  writePythonCache(cache, hub.files, DEFAULT_MODEL_REPO);
  assert.equal(defaultModelId(env), DEFAULT_MODEL_REPO);
  assert.equal(defaultModelId({ ...env, VLM_MODEL_DIR: '/models/mine' }), '/models/mine');
});
