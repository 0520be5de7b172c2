// Starts the real language server (node --import tsx server/main.ts) and talks to it with
// a real JSON-RPC client over stdio or a socket; no editor involved.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CancellationTokenSource,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type InitializeResult,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import type { VlmInitializationOptions } from '../../../protocol/protocol';

export const ROOT = join(__dirname, '..', '..', '..');
export const SERVER_ENTRY = join(ROOT, 'server', 'main.ts');
/** The repo's copies of real recordings and screenshots (see each folder's MANIFEST.tsv). */
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'real');
export const SCREENS = join(ROOT, 'test', 'fixtures', 'screens');

export interface ServerUnderTest {
  connection: ProtocolConnection;
  child: ChildProcess;
  initializeResult: InitializeResult;
  /** window/showMessage notifications received so far. */
  messages: { type: number; message: string }[];
  stderr: () => string;
  /** shutdown + exit, then waits for the process to end; returns its exit code. */
  stop(): Promise<number | null>;
}

export function spawnServer(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', SERVER_ENTRY, ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
}

export async function startServer(
  initializationOptions: VlmInitializationOptions = {},
  env: NodeJS.ProcessEnv = {},
): Promise<ServerUnderTest> {
  const child = spawnServer(['--stdio'], env);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout!),
    new StreamMessageWriter(child.stdin!),
  );
  const messages: { type: number; message: string }[] = [];
  connection.onNotification('window/showMessage', (params: { type: number; message: string }) =>
    messages.push(params),
  );
  const initializeResult = await initialize(connection, initializationOptions);
  return {
    connection,
    child,
    initializeResult,
    messages,
    stderr: () => stderr,
    stop: () => stopServer(connection, child),
  };
}

export async function initialize(
  connection: ProtocolConnection,
  initializationOptions: VlmInitializationOptions,
): Promise<InitializeResult> {
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) =>
    params.items.map(() => null),
  );
  connection.listen();
  const result = await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: { window: { workDoneProgress: true } },
    initializationOptions,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return result;
}

export async function stopServer(
  connection: ProtocolConnection,
  child: ChildProcess,
): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  try {
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
  } catch {
    // Already gone: the exit code says how.
  }
  const code = await withTimeout(exited, 10_000, 'server did not exit after shutdown/exit');
  connection.dispose();
  return code;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Connects to a socket server, sends `firstLine` (the token line), and speaks JSON-RPC. */
export function connectSocket(port: number, firstLine: string): Promise<ProtocolConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(firstLine);
      resolve(
        createProtocolConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket)),
      );
    });
    socket.once('error', reject);
  });
}

export { CancellationTokenSource };

/**
 * Serves `bytes` over HTTP on 127.0.0.1 as a network stream source; `delayMs` holds each
 * response back (a slow source). Returns the URL and a function that stops the server.
 */
export async function serveOverHttp(
  bytes: Buffer,
  contentType: string,
  delayMs = 0,
): Promise<{ url: string; close: () => void }> {
  const server = createServer((_req, res) => {
    setTimeout(() => res.writeHead(200, { 'content-type': contentType }).end(bytes), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/source`, close: () => server.close() };
}
