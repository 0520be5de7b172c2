// The language server's transport flags, parsed and checked by the server entry
// (server/main.ts). `vlm serve` starts that entry as a child process and passes its flags
// through; the entry refuses bad ones with SERVER_USAGE and exit code 2, which `vlm serve`
// returns as its own usage error.
import { parseArgs } from 'node:util';

export type Transport =
  | { kind: 'stdio'; authenticate: boolean }
  | { kind: 'node-ipc' }
  | { kind: 'socket'; port: number; host: string; token: string };

export const SERVER_USAGE = `Usage: vlm serve [--stdio | --node-ipc | --socket PORT --token TOKEN [--host HOST]]

  --stdio            speak LSP on stdin/stdout (default)
  --node-ipc         speak LSP over the Node IPC channel
  --socket PORT      listen on TCP PORT; each connection must first send the token line
  --token TOKEN      the token socket clients must send (or set VLM_SERVE_TOKEN)
  --host HOST        address to bind (default 127.0.0.1)

Run 'vlm serve --help' for the details and for --http.`;

export class ArgsError extends Error {
  override name = 'ArgsError';
}

export interface TransportArgs {
  transport: Transport;
  /** Added by vscode-languageclient; the library's own watchdog reads it from argv. */
  clientProcessId?: string;
}

export function parseTransport(args: string[], env: NodeJS.ProcessEnv = process.env): Transport {
  return parseTransportArgs(args, env).transport;
}

export function parseTransportArgs(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): TransportArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        stdio: { type: 'boolean' },
        'node-ipc': { type: 'boolean' },
        socket: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string' },
        authenticate: { type: 'boolean' },
        clientProcessId: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new ArgsError((error as Error).message);
  }
  const { clientProcessId } = values;
  const transport = (): Transport => {
    const chosen = [values.stdio, values['node-ipc'], values.socket !== undefined].filter(Boolean);
    if (chosen.length > 1)
      throw new ArgsError('choose one transport: --stdio, --node-ipc or --socket');
    if (values['node-ipc']) return { kind: 'node-ipc' };
    if (values.socket !== undefined) {
      const port = Number(values.socket);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new ArgsError(`--socket: '${values.socket}' is not a port number (0-65535)`);
      const token = values.token ?? env.VLM_SERVE_TOKEN;
      if (!token) throw new ArgsError('--socket needs a token: --token TOKEN or VLM_SERVE_TOKEN');
      return { kind: 'socket', port, host: values.host ?? '127.0.0.1', token };
    }
    if (values.token !== undefined || values.host !== undefined)
      throw new ArgsError('--token and --host only apply to --socket');
    return { kind: 'stdio', authenticate: values.authenticate === true };
  };
  return { transport: transport(), ...(clientProcessId ? { clientProcessId } : {}) };
}
