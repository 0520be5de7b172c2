// Load on the real OpenAI-compatible endpoint (`vlm serve --http`, its own process, the
// engine inside it): clients ask about fixture videos (whole answers, streamed answers,
// streams dropped after the first chunk), list models, and send bad requests (a
// wrong-typed field, broken JSON, an unknown route). Each request's one response goes
// through the ledger.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../cli/commands/serve';
import type { Ledger } from './ledger';

export interface HttpLoad {
  child: ChildProcess;
  url: string;
  client(index: number, fixtures: string[], until: () => boolean): Promise<void>;
  stop(): Promise<void>;
  stderr(): string;
}

export interface HttpServerOptions {
  cacheDir: string;
  model?: string;
  env?: NodeJS.ProcessEnv;
}

export async function startHttpLoad(
  ledger: Ledger,
  fixturesDir: string,
  options: HttpServerOptions,
): Promise<HttpLoad> {
  const args = ['serve', '--http', '--port', '0', '--max-tokens', '16'];
  args.push('--allow-file-urls', fixturesDir);
  if (options.model) args.push('--model', options.model);
  const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'vlm.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env, VLM_CACHE_DIR: options.cacheDir },
  });
  let stderr = '';
  child.stderr!.on(
    'data',
    (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /endpoint on (http:\/\/\S+)\/v1/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`vlm serve --http exited ${code}: ${stderr}`)));
  });
  let next = 0;
  const request = (kind: string, path: string, init?: RequestInit) =>
    send(ledger, `http:${next++}`, kind, `${url}${path}`, init);
  return {
    child,
    url,
    client: (index, fixtures, until) => clientLoop(request, ledger, index, fixtures, until),
    stop: () => stopProcess(child),
    stderr: () => stderr,
  };
}

type Send = (kind: string, path: string, init?: RequestInit) => Promise<Response | undefined>;

/** One request: its response status is its one outcome; the body is read (or dropped) by the caller. */
async function send(
  ledger: Ledger,
  key: string,
  kind: string,
  url: string,
  init?: RequestInit,
): Promise<Response | undefined> {
  ledger.sent(key, kind);
  try {
    const response = await fetch(url, {
      ...init,
      signal: init?.signal ?? AbortSignal.timeout(120_000),
    });
    ledger.received(key, response.ok ? 'ok' : 'error');
    return response;
  } catch (error) {
    ledger.received(key, (error as Error).name === 'TimeoutError' ? 'timeout' : 'error');
    return undefined;
  }
}

const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

function askAbout(path: string, question: string, extra: Record<string, unknown> = {}) {
  const content = [
    { type: 'video_url', video_url: { url: pathToFileURL(path).href } },
    { type: 'text', text: question },
  ];
  return { messages: [{ role: 'user', content }], max_tokens: 4, ...extra };
}

async function expectStatus(ledger: Ledger, what: string, status: number, response?: Response) {
  if (response && response.status !== status)
    ledger.surprise(`${what}: HTTP ${response.status}, expected ${status}`);
  await response?.body?.cancel().catch(() => {});
}

async function clientLoop(
  request: Send,
  ledger: Ledger,
  index: number,
  fixtures: string[],
  until: () => boolean,
): Promise<void> {
  const videos = fixtures.filter((f) => !f.endsWith('.png'));
  for (let round = 0; until(); round++) {
    const video = videos[(index + round) % videos.length];
    const whole = await request(
      'chat',
      '/v1/chat/completions',
      post(askAbout(video, 'What happens?')),
    );
    await whole?.text().catch(() => '');
    const streamed = await request(
      'chat-stream',
      '/v1/chat/completions',
      post(askAbout(video, 'Describe it.', { stream: true })),
    );
    await streamed?.text().catch(() => '');
    // Dropped after the first chunk: the server must stop generating and stay healthy.
    const dropper = new AbortController();
    const dropped = await request('chat-dropped', '/v1/chat/completions', {
      ...post(askAbout(video, 'Tell me everything.', { stream: true, max_tokens: 16 })),
      signal: dropper.signal,
    });
    await dropped?.body
      ?.getReader()
      .read()
      .catch(() => undefined);
    dropper.abort();
    await expectStatus(ledger, 'models', 200, await request('models', '/v1/models'));
    await Promise.all([
      request(
        'bad-type',
        '/v1/chat/completions',
        post({ ...askAbout(video, 'q'), stream: 'yes' }),
      ).then((r) => expectStatus(ledger, 'stream: "yes"', 400, r)),
      request('bad-json', '/v1/chat/completions', post('{"model": "x", "messages": [')).then((r) =>
        expectStatus(ledger, 'broken JSON', 400, r),
      ),
      request('bad-route', '/v1/nothing-here').then((r) =>
        expectStatus(ledger, 'unknown route', 404, r),
      ),
    ]);
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
