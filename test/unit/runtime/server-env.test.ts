// The language server's launch environment: two glibc malloc arenas unless the user chose
// a number (docs/hardening.md#soak has the measurements behind it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { serverProcessEnv } from '../../../engine/runtime/server-env';

describe('serverProcessEnv', () => {
  it('sets MALLOC_ARENA_MAX=2 and keeps the rest of the environment', () => {
    const env = serverProcessEnv({ PATH: '/bin', VLM_SERVE_TOKEN: 't' });
    assert.deepEqual(env, { PATH: '/bin', VLM_SERVE_TOKEN: 't', MALLOC_ARENA_MAX: '2' });
  });

  it("keeps the user's own MALLOC_ARENA_MAX", () => {
    assert.equal(serverProcessEnv({ MALLOC_ARENA_MAX: '8' }).MALLOC_ARENA_MAX, '8');
  });

  it('does not change the environment it is given', () => {
    const given = { PATH: '/bin' };
    serverProcessEnv(given);
    assert.deepEqual(given, { PATH: '/bin' });
  });

  it('reaches a process started with it', () => {
    const child = spawnSync(
      process.execPath,
      ['-e', 'process.stdout.write(process.env.MALLOC_ARENA_MAX ?? "unset")'],
      { env: serverProcessEnv({ ...process.env, MALLOC_ARENA_MAX: '' }), encoding: 'utf8' },
    );
    assert.equal(child.stdout, '2');
  });
});
