// pullModel against a local server speaking the Hub's routes, with the real @huggingface/hub
// client: what lands in the cache, resumption, verification, errors, offline, disk space.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { before, after, test } from 'node:test';
import { findCachedModel, HubError, pullModel } from '../../../engine/hub';
import { validateModelFolder } from '../../../engine/model';
import { generateReferenceModel } from '../../../engine/model/reference';
import { tempDir } from '../stream/helpers';
import { COMMIT, FakeHub, repoFromFolder } from './hub-server';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const REPO = 'test-org/tiny-vlm';
const SUFFIXES = ['', '_fp16', '_quantized', '_int8', '_q4', '_bnb4'];
let hub: FakeHub;
let modelDir: string;

before(async () => {
  modelDir = mkdtempSync(join(tmpdir(), 'vlm-hub-model-'));
  await generateReferenceModel({ preset: 'tiny', outDir: join(modelDir, 'tiny') });
  hub = new FakeHub(REPO, repoFromFolder(join(modelDir, 'tiny'), SUFFIXES));
  await hub.start();
});

after(async () => {
  await hub.stop();
  rmSync(modelDir, { recursive: true, force: true });
});

function reset() {
  hub.faults = {};
  hub.log.length = 0;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const served = (path: string) => hub.files.find((f) => f.path === path)!.content;
const pull = (cacheDir: string, extra: Partial<Parameters<typeof pullModel>[0]> = {}) =>
  pullModel({ repo: REPO, dtype: 'q8', cacheDir, endpoint: hub.url, env: {}, ...extra });

test('a q8 pull fetches the root files and the _quantized parts into the Hugging Face cache layout', async (t) => {
  reset();
  const cache = tempDir(t);
  const progress: number[] = [];
  const result = await pull(cache, { onProgress: (p) => progress.push(p.bytes / p.totalBytes) });
  const repoDir = join(cache, 'models--test-org--tiny-vlm');
  assert.equal(result.revision, COMMIT);
  assert.equal(result.dir, join(repoDir, 'snapshots', COMMIT));
  assert.equal(readFileSync(join(repoDir, 'refs', 'main'), 'utf8'), COMMIT);
  assert.deepEqual(
    result.files.filter((f) => f.startsWith('onnx/')).sort(),
    ['decoder_model_merged', 'embed_tokens', 'vision_encoder'].map(
      (p) => `onnx/${p}_quantized.onnx`,
    ),
  );
  assert.ok(result.files.includes('config.json') && result.files.includes('tokenizer.json'));
  const decoder = join(result.dir, 'onnx', 'decoder_model_merged_quantized.onnx');
  assert.ok(lstatSync(decoder).isSymbolicLink());
  const digest = sha256(served('onnx/decoder_model_merged_quantized.onnx'));
  assert.equal(readlinkSync(decoder), join('..', '..', '..', 'blobs', digest));
  assert.deepEqual(readFileSync(decoder), served('onnx/decoder_model_merged_quantized.onnx'));
  assert.equal(progress.at(-1), 1);
  assert.ok(!readdirSync(join(repoDir, 'blobs')).some((b) => b.endsWith('.incomplete')));
  const report = await validateModelFolder(result.dir, { dtype: 'q8' });
  assert.ok(report.ok, report.problems.join('\n'));

  hub.log.length = 0;
  const again = await pull(cache);
  assert.equal(again.downloadedBytes, 0);
  assert.deepEqual(hub.contentRequests(), [], 'a second pull downloads nothing');
});

test('a connection dropped mid-file is resumed with a Range request from the bytes already on disk', async (t) => {
  reset();
  const path = 'onnx/decoder_model_merged_quantized.onnx';
  hub.faults.dropOnce = { path, afterBytes: 20_000 };
  const cache = tempDir(t);
  const result = await pull(cache);
  const cdn = `/cdn/${sha256(served(path))}`;
  const ranges = hub.log.filter((l) => l.url === cdn).map((l) => l.range);
  assert.equal(ranges.length, 2, `requests for the file: ${JSON.stringify(ranges)}`);
  assert.equal(ranges[0], undefined);
  const resumedAt = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? '')?.[1]);
  assert.ok(resumedAt > 0 && resumedAt <= 20_000, `resumed at ${ranges[1]}`);
  assert.deepEqual(readFileSync(join(result.dir, path)), served(path));
});

test('a transfer that stalls is dropped after the stall timeout and resumed', async (t) => {
  reset();
  const path = 'onnx/vision_encoder_quantized.onnx';
  hub.faults.stallOnce = { path, afterBytes: 30_000 };
  const result = await pull(tempDir(t), { stallTimeoutMs: 300 });
  const ranges = hub.log
    .filter((l) => l.url === `/cdn/${sha256(served(path))}`)
    .map((l) => l.range);
  assert.deepEqual(ranges, [undefined, 'bytes=30000-']);
  assert.deepEqual(readFileSync(join(result.dir, path)), served(path));
});

test('a file whose sha256 differs from the Hub listing is refused and its partial file removed', async (t) => {
  reset();
  const path = 'onnx/decoder_model_merged_quantized.onnx';
  hub.faults.corrupt = path;
  const cache = tempDir(t);
  await assert.rejects(pull(cache), (e: HubError) => {
    assert.equal(e.kind, 'integrity');
    assert.match(e.message, /decoder_model_merged_quantized\.onnx.*sha256.*does not match/);
    return true;
  });
  const blobs = join(cache, 'models--test-org--tiny-vlm', 'blobs');
  const digest = sha256(served(path));
  assert.ok(!existsSync(join(blobs, digest)));
  assert.ok(!existsSync(join(blobs, `${digest}.incomplete`)));
});

test('401 from a gated repository names HF_TOKEN; the token opens it', async (t) => {
  reset();
  hub.faults.requireToken = 'hf_reader';
  await assert.rejects(pull(tempDir(t)), (e: HubError) => {
    assert.equal(e.kind, 'auth');
    assert.match(e.message, /test-org\/tiny-vlm@main.*HTTP 401.*HF_TOKEN/);
    return true;
  });
  const result = await pull(tempDir(t), { env: { HF_TOKEN: 'hf_reader' } });
  assert.equal(result.revision, COMMIT);
});

test('404: an unknown repository or revision says which', async (t) => {
  reset();
  await assert.rejects(pull(tempDir(t), { repo: 'test-org/missing' }), (e: HubError) => {
    assert.equal(e.kind, 'not-found');
    assert.match(e.message, /test-org\/missing@main: no such repository/);
    return true;
  });
  await assert.rejects(
    pull(tempDir(t), { revision: 'v9' }),
    /test-org\/tiny-vlm@v9: no such repository, revision/,
  );
});

test('a dtype the repository lacks is named with the dtypes it has', async (t) => {
  const only = new FakeHub(REPO, repoFromFolder(join(modelDir, 'tiny'), ['', '_fp16']));
  await only.start();
  t.after(() => only.stop());
  await assert.rejects(
    pullModel({ repo: REPO, dtype: 'q4', cacheDir: tempDir(t), endpoint: only.url, env: {} }),
    /has no q4 export.*available: fp32, fp16/,
  );
});

test('offline: HF_HUB_OFFLINE makes no request; an unreachable Hub is recognised within seconds', async (t) => {
  reset();
  const cache = tempDir(t);
  await assert.rejects(pull(cache, { env: { HF_HUB_OFFLINE: '1' } }), (e: HubError) => {
    assert.equal(e.kind, 'offline');
    assert.match(
      e.message,
      /test-org\/tiny-vlm@main is not in the Hugging Face cache.*HF_HUB_OFFLINE/,
    );
    return true;
  });
  assert.equal(hub.log.length, 0);

  // A server that accepts connections and never answers: the connect timeout decides.
  const { createServer } = await import('node:net');
  const silent = createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  t.after(() => silent.close());
  const port = (silent.address() as { port: number }).port;
  const started = Date.now();
  await assert.rejects(pull(cache, { endpoint: `http://127.0.0.1:${port}` }), (e: HubError) => {
    assert.equal(e.kind, 'offline');
    assert.match(
      e.message,
      /cannot reach the Hugging Face Hub at http:\/\/127\.0\.0\.1:\d+ \(no answer within 3 s\)/,
    );
    return true;
  });
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);

  // Pulled once, the model is still found offline and when the Hub is unreachable.
  const pulled = await pull(cache);
  hub.log.length = 0;
  assert.equal((await pull(cache, { env: { HF_HUB_OFFLINE: '1' } })).dir, pulled.dir);
  assert.equal(
    (await pull(cache, { endpoint: `http://127.0.0.1:${await closedPort()}` })).dir,
    pulled.dir,
  );
  assert.equal(hub.log.length, 0);
});

test('too little free disk space is refused before any download, naming needed and free bytes', async (t) => {
  reset();
  await assert.rejects(pull(tempDir(t), { freeBytes: 1000 }), (e: HubError) => {
    assert.equal(e.kind, 'disk');
    assert.match(
      e.message,
      /the download needs .* \(\d+ bytes\) and 1000 B \(1000 bytes\) are free/,
    );
    return true;
  });
  assert.deepEqual(hub.contentRequests(), []);
});

test('external weights (.onnx_data, .onnx_data_1) come with their graph, and a graph is linked only after its weights', async (t) => {
  // Qwen2-VL's export keeps the weights of every large part in `<file>.onnx_data` companions
  // (onnx-community/Qwen2-VL-2B-Instruct: decoder_model_merged.onnx_data 6.17 GB). Listed by
  // name, a graph comes before its weights, so a pull broken off between them used to leave
  // a snapshot whose graphs were all there and which the cache check called complete.
  const parts = ['decoder_model_merged', 'embed_tokens', 'vision_encoder'];
  const weights = (path: string) => Buffer.from(`weights of ${path} `.repeat(2000));
  const files = repoFromFolder(join(modelDir, 'tiny'), ['_quantized']);
  for (const part of parts) {
    files.push({ path: `onnx/${part}_quantized.onnx_data`, content: weights(part), lfs: true });
    files.push({
      path: `onnx/${part}_quantized.onnx_data_1`,
      content: weights(`${part}/1`),
      lfs: true,
    });
  }
  // Root files, then onnx/ by name: each graph before its weights.
  const inOnnx = (f: { path: string }) => Number(f.path.startsWith('onnx/'));
  files.sort((a, b) => inOnnx(a) - inOnnx(b) || (a.path < b.path ? -1 : 1));
  const qwenLike = new FakeHub(REPO, files);
  await qwenLike.start();
  t.after(() => qwenLike.stop());
  const cache = tempDir(t);
  const q8 = (extra: Partial<Parameters<typeof pullModel>[0]> = {}) =>
    pullModel({
      repo: REPO,
      dtype: 'q8',
      cacheDir: cache,
      endpoint: qwenLike.url,
      env: {},
      ...extra,
    });

  qwenLike.faults.corrupt = 'onnx/vision_encoder_quantized.onnx_data_1';
  await assert.rejects(q8(), (e: HubError) => e.kind === 'integrity');
  assert.equal(findCachedModel(cache, REPO, 'main', 'q8'), undefined);
  await assert.rejects(q8({ offline: true }), (e: HubError) => e.kind === 'offline');

  qwenLike.faults = {};
  const order: string[] = [];
  const result = await q8({ onFile: (f) => order.push(f.file) });
  const onnx = result.files.filter((f) => f.startsWith('onnx/')).sort();
  assert.deepEqual(
    onnx,
    parts.flatMap((p) => ['', '_data', '_data_1'].map((d) => `onnx/${p}_quantized.onnx${d}`)),
  );
  for (const part of parts) {
    const graph = order.indexOf(`onnx/${part}_quantized.onnx`);
    for (const d of ['_data', '_data_1'])
      assert.ok(order.indexOf(`onnx/${part}_quantized.onnx${d}`) < graph, `${part}${d} first`);
    assert.deepEqual(
      readFileSync(join(result.dir, 'onnx', `${part}_quantized.onnx_data_1`)),
      weights(`${part}/1`),
    );
  }
  assert.equal(findCachedModel(cache, REPO, 'main', 'q8')?.files.length, result.files.length);
});

async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}
