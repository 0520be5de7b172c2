// The HTTP kind: `vlm serve --http` on a free port, file:// URLs allowed under the corpus
// folder only, requests capped at 2 MiB so the oversized body stays small.
import { request } from 'node:http';
import type { CorpusCase } from '../../scripts/corpus/types';
import type { RunContext } from './context';
import { judgeHttpError, printable, type CaseResult } from './judge';
import {
  runServerCases,
  serverHome,
  spawnVlm,
  type Sent,
  type ServerHome,
  type ServerKind,
} from './server-run';

interface Http {
  home: ServerHome;
  child: ReturnType<typeof spawnVlm>;
  base: string;
  output: string[];
}

interface Response {
  status: number;
  body: string;
}

async function start(ctx: RunContext): Promise<Http> {
  const home = serverHome(ctx, 'http');
  const args = [
    'serve',
    '--http',
    '--port',
    '0',
    '--allow-file-urls',
    ctx.root,
    '--max-request-mb',
    '2',
  ];
  const child = spawnVlm(ctx, args, home);
  const output: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`HTTP server did not start: ${seen}${output.join('')}`)),
      60_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const url = /(http:\/\/[^\s/]+)\/v1/.exec(seen)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`HTTP server exited (${code}): ${seen}${output.join('')}`)),
    );
  });
  const server = { home, child, base, output };
  await good(ctx, server);
  return server;
}

function send(
  server: Http,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | string,
  timeoutMs: number,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.base}${path}`, { method, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function good(ctx: RunContext, server: Http): Promise<void> {
  const body = JSON.stringify({
    model: 'reference:tiny',
    max_tokens: 1,
    messages: [{ role: 'user', content: 'hi' }],
  });
  const res = await send(
    server,
    'POST',
    '/v1/chat/completions',
    { 'content-type': 'application/json' },
    body,
    ctx.caseTimeoutMs,
  );
  if (res.status !== 200)
    throw new Error(`a good chat request got ${res.status}: ${res.body.slice(0, 200)}`);
}

/** The error text of an OpenAI-shaped error body, or the raw body. */
function errorText(body: string): string {
  try {
    const { error } = JSON.parse(body) as {
      error?: { message?: string; param?: string; code?: string };
    };
    // The code (`invalid_image`, ...) is a category, not a message: it is left out.
    if (error) return [error.message, error.param].filter(Boolean).join(' | ');
  } catch {
    // Not JSON: judge the text as it is.
  }
  return body;
}

async function sendCase(ctx: RunContext, server: Http, c: CorpusCase): Promise<Sent> {
  const { method, path, headers = {}, body = '' } = c.payload.http!;
  const bytes = c.payload.hugeBodyBytes ? Buffer.alloc(c.payload.hugeBodyBytes, 0x20) : body;
  let res: Response;
  try {
    res = await send(server, method, path, headers, bytes, ctx.caseTimeoutMs);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (server.child.exitCode !== null || server.child.signalCode !== null)
      return {
        outcome: 'crash',
        said: `${why}; server ended: ${printable(server.output.join('').slice(-300))}`,
      };
    return { outcome: /within/.test(why) ? 'hang' : 'unclear', said: `no response: ${why}` };
  }
  if (res.status >= 500) {
    const text = errorText(res.body);
    return {
      outcome: judgeHttpError(c, res.status, text),
      said: `${res.status} for a bad input, a server error rather than 4xx: ${printable(text)}`,
    };
  }
  if (res.status >= 400) {
    const text = errorText(res.body);
    return {
      outcome: judgeHttpError(c, res.status, text),
      said: `${res.status} ${printable(text)}`,
    };
  }
  if (c.mayAnswer) return { outcome: 'answered', said: 'answered (the damage left it decodable)' };
  return { outcome: 'unclear', said: `${res.status}, no error: ${printable(res.body, 200)}` };
}

async function stop(server: Http): Promise<void> {
  server.child.kill('SIGINT');
  const ended = await Promise.race([
    new Promise((r) =>
      server.child.exitCode !== null ? r(true) : server.child.once('exit', () => r(true)),
    ),
    new Promise((r) => setTimeout(() => r(false), 5000)),
  ]);
  if (!ended) server.child.kill('SIGKILL');
}

export function runHttpCases(ctx: RunContext, cases: CorpusCase[]): Promise<CaseResult[]> {
  const kind: ServerKind<Http> = {
    start: () => start(ctx),
    ownServer: () => false,
    send: (server, c) => sendCase(ctx, server, c),
    good: (server) => good(ctx, server),
    alive: (server) => server.child.exitCode === null && server.child.signalCode === null,
    stop,
  };
  return runServerCases(ctx, kind, cases);
}
