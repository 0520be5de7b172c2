// The extension's remote transport against the real language server in socket mode
// (`vlm serve --socket PORT --token TOKEN`, here server/main.ts under tsx): the right token
// gets an LSP session, a wrong one is refused. Checks the client and server agree on the
// handshake in protocol.ts.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import { connectRemote } from '../../../client/connection/remote';
import { EngineStatusRequest } from '../../../protocol/protocol';

const TOKEN = 'remote-test-token';
let server: ChildProcess | undefined;

after(() => {
  if (server && server.exitCode === null) server.kill('SIGTERM');
});

async function startServer(): Promise<number> {
  server = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/main.ts', '--socket', '0', '--token', TOKEN],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, VLM_SERVE_TOKEN: '' } },
  );
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the server did not listen within 30 s: ${stderr}`)),
      30_000,
    );
    server!.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const port = /listening on [\d.]+:(\d+)/.exec(stderr)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve(Number(port));
      }
    });
    server!.once('exit', (code) => reject(new Error(`the server exited (${code}): ${stderr}`)));
  });
}

test(
  'connectRemote sends the token and speaks LSP with vlm serve; a wrong token is refused',
  { timeout: 60_000 },
  async () => {
    const port = await startServer();
    const { reader, writer } = await connectRemote({ host: '127.0.0.1', port, token: TOKEN });
    const connection = createMessageConnection(
      new StreamMessageReader(reader),
      new StreamMessageWriter(writer),
    );
    connection.listen();
    const init = (await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
    })) as { capabilities: { experimental?: { vlm?: { protocolVersion: number } } } };
    assert.equal(typeof init.capabilities.experimental?.vlm?.protocolVersion, 'number');
    await connection.sendNotification('initialized', {});
    const status = await connection.sendRequest(EngineStatusRequest.method);
    assert.ok(['starting', 'idle', 'loadingModel'].includes((status as { state: string }).state));
    connection.dispose();
    reader.destroy();

    const wrong = await connectRemote({ host: '127.0.0.1', port, token: 'wrong' });
    const closed = await new Promise<string>((resolve) => {
      let received = '';
      wrong.reader.on('data', (d: Buffer) => (received += d.toString()));
      wrong.reader.on('close', () => resolve(received));
    });
    assert.match(
      closed,
      /window\/showMessage/,
      'the refusal is an LSP showMessage before the close',
    );
  },
);
