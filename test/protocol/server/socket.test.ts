// Socket transport (remote GPU host): `vlm serve --socket PORT --token TOKEN`. A wrong
// token is refused with a message and the connection closes; the right token gets a
// working LSP session; stopping the listener leaves no processes behind.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { EngineStatusRequest } from '../../../protocol/protocol';
import { MAX_SESSIONS } from '../../../server/transport/socket-listener';
import { ROOT, connectSocket, initialize, stopServer, withTimeout } from './harness';
import { descendants, isAlive } from './processes';

const TOKEN = 'test-token-5c1f';

interface Listener {
  child: ChildProcess;
  port: number;
  stderr: () => string;
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Starts `vlm serve --socket 0` and resolves with the port it printed. */
function startListener(): Promise<Listener> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'engine/cli/main.ts', 'serve', '--socket', '0', '--token', TOKEN],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return withTimeout(
    new Promise((resolve, reject) => {
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /listening on 127\.0\.0\.1:(\d+)/.exec(stderr);
        if (match) resolve({ child, port: Number(match[1]), stderr: () => stderr });
      });
      child.once('exit', (code) => reject(new Error(`listener exited ${code}: ${stderr}`)));
    }),
    20_000,
    'socket listener start',
  );
}

describe('socket transport with a token', () => {
  let listener: Listener;
  before(async () => {
    listener = await startListener();
  });
  after(() => {
    if (listener.child.exitCode === null) listener.child.kill('SIGTERM');
  });

  it('refuses a wrong token with a message and closes the connection', async () => {
    const connection = await connectSocket(listener.port, 'wrong-token\n');
    const refused = new Promise<string>((resolve) =>
      connection.onNotification('window/showMessage', (p: { message: string }) =>
        resolve(p.message),
      ),
    );
    const closed = new Promise<void>((resolve) => connection.onClose(() => resolve()));
    connection.listen();
    const message = await withTimeout(refused, 15_000, 'refusal message');
    assert.match(message, /authentication failed: wrong token/);
    await withTimeout(closed, 15_000, 'connection close');
    connection.dispose();
  });

  it('serves LSP after the right token', async () => {
    const connection = await connectSocket(listener.port, `${TOKEN}\n`);
    const result = await withTimeout(
      initialize(connection, { statsIntervalMs: 0 }),
      20_000,
      'initialize',
    );
    assert.ok(result.capabilities.experimental);
    const status = await connection.sendRequest(EngineStatusRequest);
    assert.equal(status.state, 'idle');
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    connection.dispose();
  });

  it('refuses connections over the session limit with a message, not a silent close', async () => {
    // Connections that never send their token still hold a session (its process waits
    // for the token line), so MAX_SESSIONS of them fill the listener. The session of the
    // previous test may still be exiting; a slot it frees later would let an extra in.
    const pid = listener.child.pid!;
    await until(() => sessionProcesses(pid) === 0, 'the previous session to exit');
    const held = await Promise.all(
      Array.from({ length: MAX_SESSIONS }, () => openSocket(listener.port)),
    );
    await until(() => sessionProcesses(pid) === MAX_SESSIONS, 'the held sessions to start');
    try {
      for (const extra of [1, 2]) {
        const connection = await connectSocket(listener.port, `${TOKEN}\n`);
        const refused = new Promise<string>((resolve) =>
          connection.onNotification('window/showMessage', (p: { message: string }) =>
            resolve(p.message),
          ),
        );
        const closed = new Promise<void>((resolve) => connection.onClose(() => resolve()));
        connection.listen();
        const message = await withTimeout(refused, 15_000, `refusal of extra connection ${extra}`);
        assert.match(message, new RegExp(`${MAX_SESSIONS} sessions are open`));
        await withTimeout(closed, 15_000, 'refused connection close');
        connection.dispose();
      }
      assert.match(listener.stderr(), /connection refused: \d+ sessions are open/);
    } finally {
      for (const socket of held) socket.destroy();
    }
  });

  it('stops on SIGTERM without leaving processes', async () => {
    const pid = listener.child.pid!;
    const children = descendants(pid);
    const exited = new Promise((resolve) => listener.child.once('exit', resolve));
    listener.child.kill('SIGTERM');
    await withTimeout(exited, 10_000, 'listener exit');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(children.filter(isAlive), []);
  });
});

/** Session processes the listener runs: its children started with --authenticate. */
function sessionProcesses(pid: number): number {
  return descendants(pid).filter(
    (child) => isAlive(child) && cmdline(child).includes('--authenticate'),
  ).length;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export { stopServer };
