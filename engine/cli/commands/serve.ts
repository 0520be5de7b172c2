// `vlm serve`: runs the language server. engine/ must not import server/, so this starts
// the server entry as a child process with the same stdio: dist/server.js when built,
// else server/main.ts through tsx. For --node-ipc the IPC messages are relayed both ways.
// The flags go to the server as given (the token excepted) and the server checks them:
// it prints what is wrong with its usage and exits ExitCode.usage, which is returned here.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { newestTypeScriptMtime } from '../../util/files';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { serverProcessEnv } from '../../runtime/server-env';
import { ExitCode, type Command } from '../command';
import { SERVE_HTTP_USAGE, serveHttp } from './serve-http';

/** The folder holding this package's package.json (works from sources and from dist/). */
export function packageRoot(start = __dirname): string {
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'vlm-stream'
    )
      return dir;
  }
  throw new Error(`cannot find the vlm-stream package root above ${start}`);
}

/**
 * The node arguments that start the server entry: the bundle when it is at least as new as
 * the sources it is built from (so an edited checkout never runs a stale bundle), else the
 * sources through tsx.
 */
export function serverEntry(root = packageRoot()): string[] {
  const bundled = join(root, 'dist', 'server.js');
  const sourceDirs = ['server', 'engine', 'protocol'].map((d) => join(root, d));
  if (existsSync(bundled) && statSync(bundled).mtimeMs >= newestTypeScriptMtime(sourceDirs))
    return [bundled];
  const sources = join(root, 'server', 'main.ts');
  if (!existsSync(sources))
    throw new Error(`no language server found: neither ${bundled} nor ${sources}`);
  return ['--import', 'tsx', sources];
}

/** How `vlm serve` starts the server entry. */
export interface ServerLaunch {
  /** The flags for the server, which parses and checks them (server/transport/args.ts). */
  args: string[];
  /** The --socket token, passed in VLM_SERVE_TOKEN so it stays out of the process list. */
  token?: string;
  /** The server speaks over the Node IPC channel, which is relayed to it. */
  ipc: boolean;
}

/**
 * The server's flags: `args` as given, less `--token TOKEN` when --socket is given (the
 * server reads the token from VLM_SERVE_TOKEN then). Any other use of --token is left for
 * the server to refuse.
 */
export function serveArgs(args: string[]): ServerLaunch {
  const { tokens } = parseArgs({
    args,
    strict: false,
    tokens: true,
    options: { token: { type: 'string' }, socket: { type: 'string' } },
  });
  const options = tokens.filter((t) => t.kind === 'option');
  const ipc = options.some((t) => t.name === 'node-ipc');
  if (!options.some((t) => t.name === 'socket')) return { args, ipc };
  let token: string | undefined;
  const dropped = new Set<number>();
  for (const t of options) {
    if (t.name !== 'token' || t.value === undefined) continue;
    // `--token --x` is ambiguous; the server says so.
    if (!t.inlineValue && t.value.startsWith('-')) continue;
    token = t.value;
    dropped.add(t.index);
    if (!t.inlineValue) dropped.add(t.index + 1);
  }
  return { args: args.filter((_, i) => !dropped.has(i)), token, ipc };
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the language server (stdio, node-ipc, or a TCP socket for a remote GPU host)',
  usage: `Usage: vlm serve [--stdio | --node-ipc | --socket PORT --token TOKEN [--host HOST]]
       vlm serve --http [--port N] [--host HOST] [--token TOKEN]

Runs the VLM language server, which editors (and any LSP client) use to open streams,
ask questions, analyze screenshots and read cache statistics.

Options:
  --stdio          speak LSP on stdin/stdout (default)
  --node-ipc       speak LSP over the Node IPC channel (when started by a Node parent)
  --socket PORT    listen on TCP PORT for remote editors; each connection must first send
                   the token and a newline, then LSP. Binds 127.0.0.1 unless --host is given.
  --token TOKEN    the token for --socket (or set VLM_SERVE_TOKEN, which keeps it out of 'ps')
  --host HOST      address to bind with --socket, e.g. 0.0.0.0 (reach it through an SSH tunnel
                   or a trusted network: the token is sent in clear text)
${SERVE_HTTP_USAGE}`,
  async run(args, io) {
    if (args.includes('--http')) return serveHttp(args, io);
    const { args: serverArgs, token, ipc } = serveArgs(args);
    const stdio: StdioOptions = ipc ? ['inherit', 'inherit', 'inherit', 'ipc'] : 'inherit';
    const child = spawn(process.execPath, [...serverEntry(), ...serverArgs], {
      stdio,
      env: serverProcessEnv(token ? { ...process.env, VLM_SERVE_TOKEN: token } : process.env),
    });
    if (ipc) relayIpc(child);
    const stop = () => child.kill('SIGTERM');
    io.signal.addEventListener('abort', stop, { once: true });
    return new Promise<number>((resolve) => {
      child.once('error', (error) => {
        io.err(`vlm serve: cannot start the language server: ${error.message}`);
        resolve(ExitCode.failed);
      });
      child.once('exit', (code, signal) => {
        io.signal.removeEventListener('abort', stop);
        if (io.signal.aborted) resolve(ExitCode.interrupted);
        // Flags the server refused: it printed why and exited ExitCode.usage, returned as is.
        else resolve(code ?? (signal ? ExitCode.interrupted : ExitCode.failed));
      });
    });
  },
};

function relayIpc(child: ChildProcess): void {
  process.on('message', (message) => child.send(message as never));
  child.on('message', (message) => process.send?.(message as never));
  process.on('disconnect', () => child.disconnect?.());
}
