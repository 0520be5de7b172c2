// `vlm serve` passes its flags to the language server it starts, less the --socket token,
// which goes in VLM_SERVE_TOKEN; the server checks the flags, and a refused one is
// `vlm serve`'s usage error: exit 2, the problem, and the usage.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { serveArgs } from '../../../engine/cli/commands/serve';

const bin = join(__dirname, '..', '..', '..', 'bin', 'vlm.js');

/** Runs `vlm serve ...args` without a token in the environment. */
async function vlmServe(...args: string[]) {
  const env = { ...process.env };
  delete env.VLM_SERVE_TOKEN;
  try {
    await promisify(execFile)(process.execPath, [bin, 'serve', ...args], {
      env,
      timeout: 60_000,
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const { code, stderr } = error as { code: number; stderr: string };
    return { code, stderr };
  }
}

describe('vlm serve', () => {
  it('keeps the token out of the server command line', () => {
    assert.deepEqual(serveArgs(['--socket', '9000', '--token', 'secret', '--host', '0.0.0.0']), {
      args: ['--socket', '9000', '--host', '0.0.0.0'],
      token: 'secret',
      ipc: false,
    });
    assert.deepEqual(serveArgs(['--socket=9000', '--token=secret']), {
      args: ['--socket=9000'],
      token: 'secret',
      ipc: false,
    });
    assert.deepEqual(serveArgs([]), { args: [], ipc: false });
    assert.deepEqual(serveArgs(['--node-ipc', '--clientProcessId=12']), {
      args: ['--node-ipc', '--clientProcessId=12'],
      ipc: true,
    });
  });

  it('leaves a token without --socket for the server to refuse', () => {
    assert.deepEqual(serveArgs(['--stdio', '--token', 'x']), {
      args: ['--stdio', '--token', 'x'],
      ipc: false,
    });
  });

  it('exits 2 with the problem and the usage for flags the server refuses', async () => {
    const [stray, unknown] = await Promise.all([
      vlmServe('--socket', '9000', '--stdio'),
      vlmServe('--bogus'),
    ]);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /vlm serve: choose one transport/);
    assert.match(stray.stderr, /Usage: vlm serve/);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--bogus/);
    assert.match(unknown.stderr, /Usage: vlm serve/);
  });
});
