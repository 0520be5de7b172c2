// `vlm serve --node-ipc`: the CLI starts the server as its child and relays the IPC
// channel both ways; an LSP client over Node IPC initializes, asks for status, shuts down.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  IPCMessageReader,
  IPCMessageWriter,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { EngineStatusRequest } from '../../../protocol/protocol';
import { ROOT, initialize, stopServer, withTimeout } from './harness';
import { descendants, isAlive } from './processes';

describe('node-ipc transport through vlm serve', () => {
  it('serves LSP over the IPC channel and exits cleanly', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'engine/cli/main.ts', 'serve', '--node-ipc'],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
    );
    const connection = createProtocolConnection(
      new IPCMessageReader(child),
      new IPCMessageWriter(child),
    );
    const result = await withTimeout(
      initialize(connection, { statsIntervalMs: 0 }),
      20_000,
      'initialize over ipc',
    );
    assert.ok(result.capabilities.hoverProvider);
    const status = await connection.sendRequest(EngineStatusRequest);
    assert.equal(status.state, 'idle');
    const tree = descendants(child.pid!);
    assert.ok(tree.length >= 1, 'the server runs as a child of vlm serve');
    assert.equal(await stopServer(connection, child), 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(tree.filter(isAlive), []);
  });
});
