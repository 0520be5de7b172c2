// The socket transport for a remote GPU host: listens on HOST:PORT (127.0.0.1 by default)
// and gives each connection its own session process (`--stdio --authenticate`, the socket
// as its stdin/stdout, the token in its environment). The session process checks the token
// itself, so no byte is read here and a crash in one session never touches another.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { writeErrorMessage } from './socket-auth';

export const MAX_SESSIONS = 8;

export interface SocketListener {
  server: Server;
  /** Resolves with the bound port (useful with port 0). */
  ready: Promise<number>;
  close(): void;
}

export function listenForSessions(port: number, host: string, token: string): SocketListener {
  const sessions = new Set<ChildProcess>();
  const server = createServer({ pauseOnConnect: true }, (socket) => {
    if (sessions.size >= MAX_SESSIONS) {
      refuseOverLimit(socket);
      return;
    }
    const child = spawn(
      process.execPath,
      [...process.execArgv, process.argv[1], '--stdio', '--authenticate'],
      {
        stdio: [socket, socket, 'inherit'],
        env: { ...process.env, VLM_SERVE_TOKEN: token },
      },
    );
    sessions.add(child);
    // The child holds its own copy of the socket now.
    socket.destroy();
    child.on('exit', () => sessions.delete(child));
    child.on('error', (error) => {
      process.stderr.write(`vlm serve: cannot start a session: ${error.message}\n`);
      sessions.delete(child);
    });
  });
  const ready = new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
  return {
    server,
    ready,
    close: () => {
      server.close();
      for (const child of sessions) child.kill('SIGTERM');
    },
  };
}

/** Tells the client why (a framed window/showMessage its editor shows), logs it, and closes. */
function refuseOverLimit(socket: Socket): void {
  const message =
    `vlm serve: connection refused: ${MAX_SESSIONS} sessions are open, the most this server ` +
    'takes; close one and reconnect';
  process.stderr.write(`${message} (from ${socket.remoteAddress}:${socket.remotePort})\n`);
  socket.on('error', () => socket.destroy());
  void writeErrorMessage(socket, message).then(() => socket.end());
  // A client that never closes its side must not hold the socket open.
  setTimeout(() => socket.destroy(), 5000).unref();
}
