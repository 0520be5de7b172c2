// Connects to a remote `vlm serve --socket PORT --token TOKEN`: opens the TCP connection,
// sends the token line the server expects first, then hands the socket to the language
// client as its reader and writer. Plain Node, so it is tested against a real socket.
import { connect, type Socket } from 'node:net';
import { SocketAuthentication } from '../../protocol/protocol';

export interface RemoteEndpoint {
  host: string;
  port: number;
  token: string;
}

export class RemoteConnectError extends Error {
  override name = 'RemoteConnectError';
}

export function connectRemote(
  endpoint: RemoteEndpoint,
  timeoutMs = 10_000,
): Promise<{ reader: Socket; writer: Socket }> {
  if (!endpoint.token) {
    return Promise.reject(
      new RemoteConnectError(
        'no server token is set; run "VLM: Set Server Token…" with the token given to `vlm serve --token`',
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new RemoteConnectError(
          `no answer from ${endpoint.host}:${endpoint.port} within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(
        new RemoteConnectError(
          `cannot reach the VLM server at ${endpoint.host}:${endpoint.port}: ${error.message}`,
        ),
      );
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.write(SocketAuthentication.line(endpoint.token));
      resolve({ reader: socket, writer: socket });
    });
  });
}
