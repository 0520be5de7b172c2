import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const bin = join(__dirname, '..', '..', '..', 'bin', 'vlm.js');
const vlm = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

test('vlm --help lists the commands and the exit codes', () => {
  const r = vlm('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /doctor/);
  assert.match(r.stdout, /Exit codes/);
});

test('an unknown command exits 2 and says which', () => {
  const r = vlm('frobnicate');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});

test('an unknown option exits 2 with the usage', () => {
  const r = vlm('doctor', '--bogus');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Usage: vlm doctor/);
});

test('vlm doctor --json reports ffmpeg, providers and the cache', () => {
  const r = vlm('doctor', '--json');
  const report = JSON.parse(r.stdout);
  assert.equal(report.node, process.version);
  assert.ok(report.ffmpeg.path, 'ffmpeg found');
  assert.match(report.ffmpeg.version, /ffmpeg version/);
  assert.deepEqual(
    report.providers.map((p: { name: string }) => p.name),
    ['cpu', 'cuda', 'webgpu'],
  );
  assert.equal(report.providers[0].available, true);
  assert.ok(report.cache.dir);
  assert.equal(r.status, 0);
});

test('a bad VLM_MODEL_DIR makes doctor exit 1 and name the folder', () => {
  const r = spawnSync(process.execPath, [bin, 'doctor'], {
    encoding: 'utf8',
    env: { ...process.env, VLM_MODEL_DIR: '/no/such/model' },
  });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /\/no\/such\/model/);
});
