// A JSON-RPC client that writes raw bytes to the real language server's stdin, so tests can
// send what a well-behaved client never would (bad headers, broken JSON), and reads the
// replies with vscode-jsonrpc's own reader.
import type { ChildProcess } from 'node:child_process';
import { StreamMessageReader } from 'vscode-languageserver-protocol/node';
import { spawnServer, withTimeout } from './harness';

export interface Reply {
  id: number | string | null;
  result?: unknown;
  error?: { code: number; message: string };
}

export class RawClient {
  readonly child: ChildProcess;
  /** Replies in arrival order (responses only; notifications and server requests are dropped). */
  readonly replies: Reply[] = [];
  private stderrText = '';
  private waiters: (() => void)[] = [];
  private nextId = 1;

  constructor(args: string[] = ['--stdio']) {
    this.child = spawnServer(args);
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderrText += chunk.toString()));
    new StreamMessageReader(this.child.stdout!).listen((message) => {
      const m = message as unknown as Reply & { method?: string };
      if (m.method !== undefined) {
        // Server-to-client requests (progress create, configuration) need an answer.
        if (m.id !== undefined) this.send({ jsonrpc: '2.0', id: m.id, result: null });
        return;
      }
      this.replies.push(m);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Writes bytes exactly as given. */
  write(raw: string | Buffer): void {
    this.child.stdin!.write(raw);
  }

  /** Writes one well-formed frame. */
  send(message: object): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  }

  /** Sends a request and returns its id. */
  request(method: string, params?: unknown): number {
    const id = this.nextId++;
    this.send({ jsonrpc: '2.0', id, method, params });
    return id;
  }

  /** Waits for the first reply matching `match`. */
  async reply(match: (reply: Reply) => boolean, what: string, ms = 15_000): Promise<Reply> {
    const found = () => this.replies.find(match);
    return withTimeout(
      (async () => {
        while (!found()) await new Promise<void>((wake) => this.waiters.push(wake));
        return found()!;
      })(),
      ms,
      `${what}; stderr: ${this.stderrText.slice(-500)}`,
    );
  }

  replyTo(id: number, ms?: number): Promise<Reply> {
    return this.reply((r) => r.id === id, `no reply to request ${id}`, ms);
  }

  async initialize(): Promise<void> {
    await this.replyTo(
      this.request('initialize', {
        processId: process.pid,
        rootUri: null,
        capabilities: {},
        initializationOptions: { statsIntervalMs: 0 },
      }),
    );
    this.send({ jsonrpc: '2.0', method: 'initialized', params: {} });
  }

  /** Resolves with the exit code once the process ends. */
  exited(ms = 15_000): Promise<number | null> {
    if (this.child.exitCode !== null) return Promise.resolve(this.child.exitCode);
    return withTimeout(
      new Promise((resolve) => this.child.once('exit', (code) => resolve(code))),
      ms,
      'server did not exit',
    );
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
