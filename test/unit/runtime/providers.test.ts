import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveProvider, type ProviderReport } from '../../../engine/runtime/providers';

const reports = (cuda: boolean, webgpu: boolean): ProviderReport[] => [
  { name: 'cpu', available: true, detail: 'bundled' },
  { name: 'cuda', available: cuda, detail: cuda ? 'ok' : 'CUDA provider library not installed' },
  { name: 'webgpu', available: webgpu, detail: webgpu ? 'ok' : 'no adapter' },
];

test('auto prefers cuda when it is available', () => {
  assert.deepEqual(resolveProvider('auto', reports(true, true)), { provider: 'cuda' });
  assert.deepEqual(resolveProvider('auto', reports(false, true)), { provider: 'cpu' });
});

test('an unavailable provider falls back to cpu with a notice that says why', () => {
  const r = resolveProvider('cuda', reports(false, false));
  assert.equal(r.provider, 'cpu');
  assert.match(r.fallbackNotice ?? '', /cuda.*not installed/);
});

test('an available explicit provider is used as asked', () => {
  assert.deepEqual(resolveProvider('webgpu', reports(false, true)), { provider: 'webgpu' });
});
