// Entry point of the language server (bundled to dist/server.js). The same file is the
// engine worker's entry when loaded in a worker thread.
import { isMainThread, workerData } from 'node:worker_threads';
import {
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageWriter,
} from 'vscode-languageserver/node';
import { ENGINE_WORKER_ROLE } from './engine-host/host';
import { runEngineWorker } from './engine-worker/worker';
import { ExitCode } from '../engine/cli/command';
import { startMemorySampling } from './memory-probe';
import { startSession } from './session';
import { ArgsError, SERVER_USAGE, parseTransport, type Transport } from './transport/args';
import { answerBadFrames, connectServer } from './transport/connection';
import { FramedMessageReader } from './transport/framed-reader';
import { authenticate, writeRefusal } from './transport/socket-auth';
import { listenForSessions } from './transport/socket-listener';

/** stdout may carry LSP messages, so nothing else may print there. */
function keepStdoutForProtocol(): void {
  const toStderr = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

async function serve(transport: Transport): Promise<void> {
  switch (transport.kind) {
    case 'node-ipc':
      startSession(
        connectServer(new IPCMessageReader(process), new IPCMessageWriter(process)).connection,
      );
      return;
    case 'stdio': {
      if (transport.authenticate) {
        const outcome = await authenticate(process.stdin, process.env.VLM_SERVE_TOKEN ?? '');
        if (!outcome.ok) {
          process.stderr.write(`vlm serve: refused a connection: ${outcome.reason}\n`);
          await writeRefusal(process.stdout, outcome.reason);
          process.exit(1);
        }
        if (outcome.rest.length > 0) process.stdin.unshift(outcome.rest);
      }
      serveStdio();
      return;
    }
    case 'socket': {
      const listener = listenForSessions(transport.port, transport.host, transport.token);
      const port = await listener.ready;
      process.stderr.write(`vlm serve: listening on ${transport.host}:${port}\n`);
      const stop = () => {
        listener.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return;
    }
  }
}

/** LSP over stdin/stdout; a bad frame is answered and skipped, never the end of the session. */
function serveStdio(): void {
  const writer = new StreamMessageWriter(process.stdout);
  const reader = new FramedMessageReader(process.stdin, answerBadFrames(writer));
  const server = connectServer(reader, writer);
  startSession(server.connection);
  // The client went away: exit as vscode-languageserver does for its own stdio reader
  // (0 only after a shutdown request).
  const exit = () => process.exit(server.shutdownReceived() ? 0 : 1);
  process.stdin.once('end', exit).once('close', exit);
  // authenticate() paused stdin; the connection's reader is attached now.
  process.stdin.resume();
}

/** A stray rejection (a client that never answers a request) must not end the session. */
function survivePromiseRejections(): void {
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(
      `vlm server: unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}\n`,
    );
  });
}

export function runServer(args: string[]): void {
  keepStdoutForProtocol();
  survivePromiseRejections();
  startMemorySampling('main');
  let transport: Transport;
  try {
    transport = parseTransport(args);
  } catch (error) {
    if (!(error instanceof ArgsError)) throw error;
    // `vlm serve` passes its flags through to this entry, so the message speaks as it does,
    // and the exit code is the one `vlm serve` returns for a usage error.
    process.stderr.write(`vlm serve: ${error.message}\n\n${SERVER_USAGE}\n`);
    process.exit(ExitCode.usage);
  }
  serve(transport).catch((error: unknown) => {
    process.stderr.write(`vlm server: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ENGINE_WORKER_ROLE) {
  runEngineWorker();
} else if (require.main === module) {
  runServer(process.argv.slice(2));
}
