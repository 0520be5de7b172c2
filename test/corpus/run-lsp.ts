// The language server kind: `vlm serve --stdio`, Content-Length framed JSON-RPC.
import { pathToFileURL } from 'node:url';
import type { CorpusCase } from '../../scripts/corpus/types';
import type { RunContext } from './context';
import { judgeError, printable, type CaseResult } from './judge';
import { RpcChild, type RpcReply } from './rpc-child';
import {
  runServerCases,
  serverHome,
  spawnVlm,
  type Sent,
  type ServerHome,
  type ServerKind,
} from './server-run';

interface Lsp {
  home: ServerHome;
  rpc: RpcChild;
}

const START_TIMEOUT_MS = 60_000;

async function start(ctx: RunContext): Promise<Lsp> {
  const home = serverHome(ctx, 'lsp');
  const rpc = new RpcChild(spawnVlm(ctx, ['serve', '--stdio'], home), 'lsp');
  const params = {
    processId: process.pid,
    rootUri: null,
    capabilities: { window: { workDoneProgress: true } },
    initializationOptions: {},
  };
  const reply = await rpc.request('initialize', params, START_TIMEOUT_MS);
  if (reply.error) throw new Error(`language server did not initialize: ${reply.error.message}`);
  rpc.notify('initialized', {});
  const server = { home, rpc };
  await good(ctx, server, START_TIMEOUT_MS);
  return server;
}

async function good(ctx: RunContext, { rpc }: Lsp, timeoutMs = ctx.caseTimeoutMs): Promise<void> {
  const reply = await rpc.request(
    'vlm/mediaSummary',
    { uri: pathToFileURL(ctx.goodPng).href },
    timeoutMs,
  );
  if (reply.error)
    throw new Error(`vlm/mediaSummary of a good image failed: ${reply.error.message}`);
}

/** The error text of a reply, including results that report failure (an invalid model, a failed stream). */
function failureText(method: string, reply: RpcReply): string | undefined {
  if (reply.error)
    return `${reply.error.message} ${reply.error.data === undefined ? '' : JSON.stringify(reply.error.data)}`;
  const result = reply.result as Record<string, unknown> | null;
  if (method === 'vlm/validateModel' && result?.valid === false)
    return (result.problems as string[]).join('; ');
  if (method === 'vlm/openStream' && result?.state === 'failed')
    return String(result.error ?? 'state: failed');
  return undefined;
}

async function sendRequest(ctx: RunContext, server: Lsp, c: CorpusCase): Promise<Sent> {
  const { method, params } = c.payload.request!;
  let reply: RpcReply;
  try {
    reply = await server.rpc.request(method, params, ctx.caseTimeoutMs);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      outcome: server.rpc.alive ? 'hang' : 'crash',
      said: `${why}; stderr: ${printable(server.rpc.chatter.join('').slice(-300))}`,
    };
  }
  const streamId = (reply.result as { streamId?: string } | null)?.streamId;
  if (streamId)
    await server.rpc
      .request('vlm/closeStream', { streamId }, ctx.caseTimeoutMs)
      .catch(() => undefined);
  const text = failureText(method, reply);
  if (text !== undefined) return { outcome: judgeError(c, text), said: printable(text) };
  if (c.mayAnswer) return { outcome: 'answered', said: 'answered (the damage left it decodable)' };
  return { outcome: 'unclear', said: `no error: ${printable(JSON.stringify(reply.result), 200)}` };
}

/** Writes broken bytes, then judges what the server said about them (responses, logs, stderr). */
async function sendRaw(ctx: RunContext, server: Lsp, c: CorpusCase): Promise<Sent> {
  server.rpc.chatter = [];
  server.rpc.writeRaw(Buffer.from(c.payload.raw!, 'base64'));
  let serving = true;
  await good(ctx, server, 10_000).catch(() => (serving = false));
  if (!serving && server.rpc.alive) {
    // It may wait for the rest of a frame; a hang only if it neither answers nor ends.
    server.rpc.child.stdin!.end();
    const ended = await Promise.race([
      server.rpc.exited.then(() => true),
      delay(5000).then(() => false),
    ]);
    if (!ended)
      return {
        outcome: 'hang',
        said: `neither answered nor ended; said: ${printable(server.rpc.chatter.join(' '))}`,
      };
  }
  const exit = server.rpc.alive ? undefined : await server.rpc.exited;
  if (exit?.signal) return { outcome: 'crash', said: `ended by ${exit.signal}` };
  const text = server.rpc.chatter.join(' ');
  if (!exit && c.mayAnswer && text.includes('"result"'))
    return { outcome: 'answered', said: 'answered the message as a request' };
  return {
    outcome: judgeError(c, text),
    said: `${exit ? `ended with code ${exit.code}; ` : ''}${printable(text) || '(said nothing)'}`,
  };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stop({ rpc }: Lsp): Promise<void> {
  if (rpc.alive) {
    await rpc.request('shutdown', null, 5000).catch(() => undefined);
    rpc.notify('exit', null);
  }
  const ended = await Promise.race([rpc.exited.then(() => true), delay(5000).then(() => false)]);
  if (!ended) rpc.child.kill('SIGKILL');
}

export function runLspCases(ctx: RunContext, cases: CorpusCase[]): Promise<CaseResult[]> {
  const kind: ServerKind<Lsp> = {
    start: () => start(ctx),
    ownServer: (c) => c.payload.raw !== undefined,
    send: (server, c) =>
      c.payload.raw !== undefined ? sendRaw(ctx, server, c) : sendRequest(ctx, server, c),
    good: (server) => good(ctx, server),
    alive: (server) => server.rpc.alive,
    stop,
  };
  return runServerCases(ctx, kind, cases);
}
