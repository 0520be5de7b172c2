// `vlm serve`: runs the language server. engine/ must not import server/, so this starts
// the server entry as a child process with the same stdio: dist/server.js when built,
// else server/main.ts through tsx. For --node-ipc the IPC messages are relayed both ways.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { newestTypeScriptMtime } from '../../util/files';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ExitCode, UsageError, type Command } from '../command';
import { SERVE_HTTP_USAGE, serveHttp } from './serve-http';
import { ArgsError, parseTransportArgs, transportFlags } from '../server-transport';

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

/** Checks the flags here, so mistakes get `vlm serve` usage; returns the server's arguments. */
export function serveArgs(args: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  try {
    return transportFlags(parseTransportArgs(args, env));
  } catch (error) {
    if (error instanceof ArgsError) throw new UsageError(error.message);
    throw error;
  }
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
    const serverArgs = serveArgs(args);
    const { values } = parseArgs({ args, strict: false, options: { token: { type: 'string' } } });
    const token = typeof values.token === 'string' ? values.token : undefined;
    const ipc = serverArgs[0] === '--node-ipc';
    const stdio: StdioOptions = ipc ? ['inherit', 'inherit', 'inherit', 'ipc'] : 'inherit';
    const child = spawn(process.execPath, [...serverEntry(), ...serverArgs], {
      stdio,
      env: token ? { ...process.env, VLM_SERVE_TOKEN: token } : process.env,
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
