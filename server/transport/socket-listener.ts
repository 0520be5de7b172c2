// The socket transport for a remote GPU host: listens on HOST:PORT (127.0.0.1 by default)
// and gives each connection its own session process (`--stdio --authenticate`, the socket
// as its stdin/stdout, the token in its environment). The session process checks the token
// itself, so no byte is read here and a crash in one session never touches another.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';

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
      process.stderr.write(`vlm serve: refusing a connection: ${MAX_SESSIONS} sessions are open\n`);
      socket.destroy();
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
