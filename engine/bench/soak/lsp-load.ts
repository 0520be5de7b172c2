// Load on the real language server over stdio: several concurrent clients on one
// connection (as an editor runs several commands at once) open a fixture as a stream, ask,
// cancel asks, read stats, close, and send bad requests and broken frames. Every request
// and its one response go through the ledger.
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  CancellationTokenSource,
  NullLogger,
  StreamMessageReader,
  createMessageConnection,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { serverEntry } from '../../cli/commands/serve';
import { serverProcessEnv } from '../../runtime/server-env';
import type { Ledger, Outcome } from './ledger';
import { FrameWriter, TapReader, type WireResponse } from './wire';

/** JSON-RPC codes the soak's bad requests must get (protocol/protocol.ts VlmErrorCodes). */
const CODE = { parse: -32700, methodNotFound: -32601, invalidParams: -32602, cancelled: -32800 };
const UNKNOWN_STREAM = 4001;

export interface LspServerOptions {
  cacheDir: string;
  diskBudgetMB: number;
  /** A model folder; absent: the server's default (the tiny reference model). */
  model?: string;
  env?: NodeJS.ProcessEnv;
}

export interface LspLoad {
  child: ChildProcess;
  connection: MessageConnection;
  /** One client's loop until `until()` is false. */
  client(index: number, fixtures: string[], until: () => boolean): Promise<void>;
  stop(): Promise<void>;
  stderr(): string;
}

const outcomeOf = (r: WireResponse): Outcome =>
  r.error ? (r.error.code === CODE.cancelled ? 'cancelled' : 'error') : 'ok';

export async function startLspLoad(ledger: Ledger, options: LspServerOptions): Promise<LspLoad> {
  const child = spawn(process.execPath, [...serverEntry(), '--stdio'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // The environment the editor and `vlm serve` start the server with.
    env: serverProcessEnv({ ...process.env, ...options.env }),
  });
  let stderr = '';
  child.stderr!.on(
    'data',
    (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)),
  );
  const badFrames: string[] = [];
  const writer = new FrameWriter(child.stdin!, (m) => ledger.sent(`lsp:${m.id}`, m.method));
  const reader = new TapReader(new StreamMessageReader(child.stdout!), (r) => {
    if (r.id !== null) return ledger.received(`lsp:${r.id}`, outcomeOf(r));
    // Id-less errors answer the broken frames, in the order they were sent.
    const key = badFrames.shift();
    if (key === undefined) return ledger.received('lsp:null', 'error');
    if (r.error?.code !== CODE.parse) ledger.surprise(`bad frame got ${JSON.stringify(r.error)}`);
    ledger.received(key, 'error');
  });
  const connection = createMessageConnection(reader, writer, NullLogger);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onRequest('workspace/configuration', (p: { items: unknown[] }) =>
    p.items.map(() => null),
  );
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: { window: { workDoneProgress: true } },
    initializationOptions: {
      cacheDir: options.cacheDir,
      cache: { diskBudgetMB: options.diskBudgetMB },
      modelPath: options.model,
      statsIntervalMs: 250,
    },
  });
  await connection.sendNotification('initialized', {});
  let frames = 0;
  const sendBadFrame = () => {
    const key = `lsp-frame:${frames++}`;
    ledger.sent(key, 'bad-frame');
    badFrames.push(key);
    writer.writeRaw('{"jsonrpc":"2.0","id":"broken","method":');
  };
  return {
    child,
    connection,
    client: (index, fixtures, until) =>
      clientLoop(connection, ledger, index, fixtures, until, sendBadFrame),
    stop: () => stopServer(connection, child),
    stderr: () => stderr,
  };
}

/** Sends a request that must fail with `code`; anything else is a surprise. */
async function expectError(
  ledger: Ledger,
  what: string,
  code: number,
  request: Promise<unknown>,
): Promise<void> {
  try {
    await request;
    ledger.surprise(`${what}: succeeded, expected error ${code}`);
  } catch (error) {
    const got = (error as { code?: number }).code;
    if (got !== code) ledger.surprise(`${what}: error ${got}, expected ${code}`);
  }
}

async function clientLoop(
  connection: MessageConnection,
  ledger: Ledger,
  index: number,
  fixtures: string[],
  until: () => boolean,
  sendBadFrame: () => void,
): Promise<void> {
  for (let round = 0; until(); round++) {
    const fixture = fixtures[(index + round) % fixtures.length];
    await streamRound(connection, fixture, round).catch(() => {});
    await badRequests(connection, ledger, index, sendBadFrame);
  }
}

/** One of each bad request; they cost the server nothing but must each get their answer. */
async function badRequests(
  connection: MessageConnection,
  ledger: Ledger,
  index: number,
  sendBadFrame: () => void,
): Promise<void> {
  const badSource = { kind: 'file', uri: 'x', follow: 'yes' };
  const unknownStream = { askId: `x${index}`, streamId: 'nope', question: 'q' };
  sendBadFrame();
  await Promise.all([
    expectError(
      ledger,
      'wrong-typed params',
      CODE.invalidParams,
      connection.sendRequest('vlm/openStream', { source: badSource }),
    ),
    expectError(
      ledger,
      'unknown method',
      CODE.methodNotFound,
      connection.sendRequest('vlm/noSuchMethod', {}),
    ),
    expectError(
      ledger,
      'unknown stream',
      UNKNOWN_STREAM,
      connection.sendRequest('vlm/ask', unknownStream),
    ),
  ]);
}

/** Open (encoding a few frames), ask, ask and cancel, read stats, close. */
async function streamRound(connection: MessageConnection, path: string, round: number) {
  const opened = (await connection.sendRequest('vlm/openStream', {
    source: { kind: 'file', uri: pathToFileURL(path).href },
    sampleFps: 1,
    maxFrames: 2 + (round % 3),
    waitForEncoding: true,
  })) as { streamId: string };
  const streamId = opened.streamId;
  try {
    await connection.sendRequest('vlm/ask', {
      askId: `a${round}`,
      streamId,
      question: 'What is on the screen?',
      maxTokens: 4,
    });
    const cancel = new CancellationTokenSource();
    const asked = connection.sendRequest(
      'vlm/ask',
      { askId: `c${round}`, streamId, question: 'What changed over time?', maxTokens: 32 },
      cancel.token,
    );
    setTimeout(() => cancel.cancel(), 10 + (round % 5) * 40);
    await asked.catch(() => {});
    cancel.dispose();
    await connection.sendRequest('vlm/cacheStats', { streamId });
  } finally {
    await connection.sendRequest('vlm/closeStream', { streamId });
  }
}

async function stopServer(connection: MessageConnection, child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) =>
    child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
  try {
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
  } catch {
    // Gone already; the kill below is a no-op then.
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
  connection.dispose();
}
