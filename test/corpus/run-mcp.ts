// The MCP kind: `vlm mcp`, one JSON-RPC message per line on stdio.
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

interface Mcp {
  home: ServerHome;
  rpc: RpcChild;
}

const START_TIMEOUT_MS = 60_000;

async function start(ctx: RunContext): Promise<Mcp> {
  const home = serverHome(ctx, 'mcp');
  const rpc = new RpcChild(spawnVlm(ctx, ['mcp'], home), 'lines');
  const params = {
    protocolVersion: '2025-03-26',
    capabilities: {},
    clientInfo: { name: 'vlm-corpus', version: '1' },
  };
  const reply = await rpc.request('initialize', params, START_TIMEOUT_MS);
  if (reply.error) throw new Error(`MCP server did not initialize: ${reply.error.message}`);
  rpc.notify('notifications/initialized', {});
  const server = { home, rpc };
  await good(ctx, server, START_TIMEOUT_MS);
  return server;
}

async function good(ctx: RunContext, { rpc }: Mcp, timeoutMs = ctx.caseTimeoutMs): Promise<void> {
  const args = { video_path: ctx.goodPng, question: 'What is shown?', max_tokens: 1 };
  const reply = await rpc.request('tools/call', { name: 'ask_video', arguments: args }, timeoutMs);
  const text = toolError(reply);
  if (text !== undefined) throw new Error(`ask_video about a good image failed: ${text}`);
}

/** The error text of a tools/call reply: a JSON-RPC error or a result flagged isError. */
function toolError(reply: RpcReply): string | undefined {
  if (reply.error)
    return `${reply.error.message} ${reply.error.data === undefined ? '' : JSON.stringify(reply.error.data)}`;
  const result = reply.result as { isError?: boolean; content?: { text?: string }[] } | undefined;
  if (result?.isError) return (result.content ?? []).map((part) => part.text ?? '').join(' ');
  return undefined;
}

async function sendTool(ctx: RunContext, server: Mcp, c: CorpusCase): Promise<Sent> {
  let reply: RpcReply;
  try {
    reply = await server.rpc.request('tools/call', c.payload.tool, ctx.caseTimeoutMs);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      outcome: server.rpc.alive ? 'hang' : 'crash',
      said: `${why}; stderr: ${printable(server.rpc.chatter.join('').slice(-300))}`,
    };
  }
  const text = toolError(reply);
  if (text !== undefined) return { outcome: judgeError(c, text), said: printable(text) };
  if (c.mayAnswer) return { outcome: 'answered', said: 'answered (the damage left it decodable)' };
  return { outcome: 'unclear', said: `no error: ${printable(JSON.stringify(reply.result), 200)}` };
}

/** Writes a line that is not a proper request; judges what came back before a good request's answer. */
async function sendRaw(ctx: RunContext, server: Mcp, c: CorpusCase): Promise<Sent> {
  server.rpc.chatter = [];
  server.rpc.writeRaw(Buffer.from(c.payload.raw!, 'base64'));
  try {
    await good(ctx, server);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { outcome: server.rpc.alive ? 'hang' : 'crash', said: why };
  }
  const text = server.rpc.chatter.join(' ');
  return { outcome: judgeError(c, text), said: printable(text) || '(said nothing)' };
}

async function stop({ rpc }: Mcp): Promise<void> {
  rpc.child.stdin!.end();
  const ended = await Promise.race([
    rpc.exited.then(() => true),
    new Promise((r) => setTimeout(() => r(false), 5000)),
  ]);
  if (!ended) rpc.child.kill('SIGKILL');
}

export function runMcpCases(ctx: RunContext, cases: CorpusCase[]): Promise<CaseResult[]> {
  const kind: ServerKind<Mcp> = {
    start: () => start(ctx),
    ownServer: () => false,
    send: (server, c) =>
      c.payload.raw !== undefined ? sendRaw(ctx, server, c) : sendTool(ctx, server, c),
    good: (server) => good(ctx, server),
    alive: (server) => server.rpc.alive,
    stop,
  };
  return runServerCases(ctx, kind, cases);
}
