// Download Model against a real HTTP server on 127.0.0.1 serving a generated model folder:
// a full download, an interrupted one that resumes with Range, and a checksum mismatch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChecksumError,
  DownloadError,
  downloadModel,
  modelFolderName,
  type DownloadProgress,
} from '../../../client/download/downloader';
import {
  buildModelManifest,
  MANIFEST_NAME,
  parseManifest,
} from '../../../client/download/manifest';
import { listInstalledModels } from '../../../client/models/installed';
import { generateReferenceModel } from '../../../engine/model/reference';

/** The project's generated tiny reference model: a real model folder in the HF ONNX layout. */
async function generateModelFolder(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'vlm-model-src-')), 'tiny');
  await generateReferenceModel({ preset: 'tiny', outDir: dir });
  return dir;
}

interface ServedRequest {
  path: string;
  range?: string;
}

/** Serves <root>/<model>/... with Range support; `cutAfter` drops the first response of a file after N bytes. */
async function serveModels(root: string, model: string, manifestOverride?: unknown) {
  const requests: ServedRequest[] = [];
  const cut = new Map<string, number>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    requests.push({ path, range: req.headers.range });
    const prefix = `/${model}/`;
    if (!path.startsWith(prefix)) return void res.writeHead(404).end();
    const rel = path.slice(prefix.length);
    if (rel === MANIFEST_NAME && manifestOverride) {
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(manifestOverride));
    }
    const file = join(root, rel);
    if (!existsSync(file)) return void res.writeHead(404).end();
    const body = readFileSync(file);
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const slice = body.subarray(start);
    res.writeHead(start > 0 ? 206 : 200, {
      'content-length': slice.length,
      ...(start > 0 ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    const limit = cut.get(rel);
    if (limit !== undefined) {
      cut.delete(rel);
      // end (FIN), not destroy (RST): a reset can discard the bytes already sent.
      res.write(slice.subarray(0, limit), () => res.socket?.end());
      return;
    }
    res.end(slice);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    requests,
    cutAfter: (rel: string, bytes: number) => cut.set(rel, bytes),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function hostedModel(model: string) {
  const root = await generateModelFolder();
  const manifest = await buildModelManifest(root, model);
  writeFileSync(join(root, MANIFEST_NAME), JSON.stringify(manifest));
  return { root, manifest };
}

test('downloads every file, verifies it and installs the folder in one rename', async () => {
  const { root, manifest } = await hostedModel('tiny-ref');
  const server = await serveModels(root, 'tiny-ref');
  const modelsDir = mkdtempSync(join(tmpdir(), 'vlm-models-'));
  const progress: DownloadProgress[] = [];
  try {
    const result = await downloadModel({
      baseUrl: server.baseUrl,
      model: 'tiny-ref',
      modelsDir,
      onProgress: (p) => progress.push(p),
    });
    assert.equal(result.dir, join(modelsDir, 'tiny-ref'));
    for (const file of manifest.files) {
      assert.deepEqual(
        readFileSync(join(result.dir, file.path)),
        readFileSync(join(root, file.path)),
        file.path,
      );
    }
    const total = manifest.files.reduce((s, f) => s + f.size, 0);
    assert.equal(result.bytesFetched, total);
    assert.equal(progress.at(-1)!.bytesDone, total);
    assert.ok(
      progress.every((p, i) => i === 0 || p.bytesDone >= progress[i - 1].bytesDone),
      'progress never goes back',
    );
    assert.deepEqual(readdirSync(modelsDir), ['tiny-ref'], 'no staging folder or .part left');
    const installed = listInstalledModels(modelsDir);
    assert.equal(installed.length, 1);
    const config = JSON.parse(readFileSync(join(root, 'config.json'), 'utf8'));
    assert.equal(installed[0].modelType, config.model_type);
  } finally {
    await server.close();
  }
});

test('an interrupted download resumes with an HTTP Range request and ends byte-identical', async () => {
  const { root } = await hostedModel('resumable');
  const server = await serveModels(root, 'resumable');
  const modelsDir = mkdtempSync(join(tmpdir(), 'vlm-models-'));
  const weights = 'onnx/decoder_model_merged.onnx';
  const cutAt = 200_017;
  server.cutAfter(weights, cutAt);
  try {
    await assert.rejects(
      downloadModel({ baseUrl: server.baseUrl, model: 'resumable', modelsDir }),
      (e: Error) =>
        e instanceof DownloadError &&
        /interrupted after \d+ of \d+ bytes[\s\S]*run it again to resume/.test(e.message),
    );
    assert.ok(!existsSync(join(modelsDir, 'resumable')), 'nothing installed after a failure');
    const result = await downloadModel({ baseUrl: server.baseUrl, model: 'resumable', modelsDir });
    assert.deepEqual(result.resumedFiles, [weights]);
    const rangeRequests = server.requests.filter((r) => r.path.endsWith(weights) && r.range);
    assert.equal(rangeRequests.length, 1);
    const resumedFrom = Number(/bytes=(\d+)-/.exec(rangeRequests[0].range!)![1]);
    assert.ok(resumedFrom > 0 && resumedFrom <= cutAt, `resumed from ${resumedFrom}`);
    assert.deepEqual(readFileSync(join(result.dir, weights)), readFileSync(join(root, weights)));
    const total = result.manifest.files.reduce((sum, f) => sum + f.size, 0);
    assert.ok(
      result.bytesFetched <= total - resumedFrom,
      'the resumed bytes were not fetched again',
    );
  } finally {
    await server.close();
  }
});

test('a checksum mismatch is rejected, named, and leaves nothing installed', async () => {
  const { root, manifest } = await hostedModel('corrupt');
  const tampered = structuredClone(manifest);
  tampered.files.find((f) => f.path === 'tokenizer.json')!.sha256 = '0'.repeat(64);
  const server = await serveModels(root, 'corrupt', tampered);
  const modelsDir = mkdtempSync(join(tmpdir(), 'vlm-models-'));
  try {
    await assert.rejects(
      downloadModel({ baseUrl: server.baseUrl, model: 'corrupt', modelsDir }),
      (e: Error) =>
        e instanceof ChecksumError &&
        /tokenizer\.json: sha256 is [0-9a-f]{64}, the manifest says 0{64}/.test(e.message),
    );
    assert.ok(!existsSync(join(modelsDir, 'corrupt')));
    assert.ok(
      !existsSync(join(modelsDir, '.corrupt.partial', 'tokenizer.json.part')),
      'the bad file was deleted',
    );
  } finally {
    await server.close();
  }
});

test('a missing model and an unreachable server give errors that name the URL', async () => {
  const { root } = await hostedModel('present');
  const server = await serveModels(root, 'present');
  const modelsDir = mkdtempSync(join(tmpdir(), 'vlm-models-'));
  try {
    await assert.rejects(
      downloadModel({ baseUrl: server.baseUrl, model: 'absent', modelsDir }),
      /absent\/vlm-manifest\.json: HTTP 404/,
    );
  } finally {
    await server.close();
  }
  await assert.rejects(
    downloadModel({ baseUrl: server.baseUrl, model: 'present', modelsDir }),
    (e: Error) => e instanceof DownloadError && e.message.includes('127.0.0.1'),
  );
});

test('manifests and model names that could escape the models folder are refused', () => {
  assert.throws(() => modelFolderName('../etc'), /model name "..\/etc" is not valid/);
  assert.equal(
    modelFolderName('HuggingFaceTB/SmolVLM-256M-Instruct'),
    'HuggingFaceTB--SmolVLM-256M-Instruct',
  );
  const file = { size: 1, sha256: 'a'.repeat(64) };
  assert.throws(
    () => parseManifest({ name: 'm', files: [{ path: '../x', ...file }] }, 'u'),
    /files\[0\]\.path must be a relative path/,
  );
  assert.throws(
    () => parseManifest({ name: 'm', files: [{ path: 'x', size: -1, sha256: file.sha256 }] }, 'u'),
    /files\[0\]\.size/,
  );
  assert.throws(
    () => parseManifest({ name: 'm', files: [] }, 'u'),
    /"files" must be a non-empty array/,
  );
});
