// An unreachable Hub is remembered for 10 minutes per endpoint, so the first-ask pull of an
// offline user does not wait on the network at every ask (issue 19).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, utimesSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pullDefaultModel } from '../../../engine/hub/default-model';
import {
  recentlyUnreachable,
  rememberUnreachable,
  UNREACHABLE_REMEMBER_MS,
} from '../../../engine/hub/unreachable-stamp';

function envFor(t: { after: (fn: () => void) => void }, endpoint: string): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'vlm-stamp-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return {
    HF_ENDPOINT: endpoint,
    HF_HUB_CACHE: join(dir, 'hf'),
    VLM_CACHE_DIR: join(dir, 'vlm'),
    HF_HUB_OFFLINE: '',
  };
}

test('the stamp is per endpoint and lasts 10 minutes', (t) => {
  const env = envFor(t, 'http://127.0.0.1:1');
  assert.equal(recentlyUnreachable('http://127.0.0.1:1', env), undefined);
  rememberUnreachable('http://127.0.0.1:1', env);
  assert.ok(recentlyUnreachable('http://127.0.0.1:1', env)! < 5000);
  assert.equal(recentlyUnreachable('http://127.0.0.1:2', env), undefined, 'another endpoint');
  const later = Date.now() + UNREACHABLE_REMEMBER_MS + 1000;
  assert.equal(recentlyUnreachable('http://127.0.0.1:1', env, later), undefined, 'expired');
  const [stamp] = readdirSync(join(env.VLM_CACHE_DIR!, 'hub'));
  const old = (Date.now() - UNREACHABLE_REMEMBER_MS - 1000) / 1000;
  utimesSync(join(env.VLM_CACHE_DIR!, 'hub', stamp!), old, old);
  assert.equal(recentlyUnreachable('http://127.0.0.1:1', env), undefined);
});

test('the first-ask pull remembers an unreachable Hub and does not try it again meanwhile', async (t) => {
  const endpoint = 'http://127.0.0.1:1';
  const env = envFor(t, endpoint);
  const logged: string[] = [];
  const first = await pullDefaultModel({ env, log: (l) => logged.push(l) });
  assert.equal(first.dir, undefined);
  assert.equal(logged.length, 1, 'said it was pulling');
  assert.match(
    (first as { reason: string }).reason,
    /could not pull .*; the next 10 minutes of asks will not try the Hub again/,
  );
  logged.length = 0;
  const started = Date.now();
  const second = await pullDefaultModel({ env, log: (l) => logged.push(l) });
  assert.equal(second.dir, undefined);
  assert.deepEqual(logged, [], 'no pull announced');
  assert.ok(Date.now() - started < 1000);
  assert.match(
    (second as { reason: string }).reason,
    /http:\/\/127\.0\.0\.1:1 could not be reached under a minute ago, so .* was not pulled/,
  );
});
