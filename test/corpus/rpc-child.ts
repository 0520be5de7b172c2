// A JSON-RPC client over a child process's stdio, in either framing the servers speak:
// LSP's Content-Length headers or MCP's one message per line. Keeps what the server said
// outside any pending request (error responses to broken input, log messages, stderr) so a
// case can be judged on it.
import type { ChildProcess } from 'node:child_process';

export type Framing = 'lsp' | 'lines';

interface RpcMessage {
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export interface RpcReply {
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export class RpcChild {
  private nextId = 1;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, (reply: RpcReply) => void>();
  /** Unmatched responses, log and show-message notifications, and stderr, as text. */
  chatter: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly child: ChildProcess,
    private readonly framing: Framing,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    child.stdout!.on('data', (chunk: Buffer) => this.receive(chunk));
    child.stderr!.on('data', (chunk: Buffer) => this.chatter.push(chunk.toString()));
    child.stdin!.on('error', () => undefined);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends a request; resolves with its reply, or rejects after `timeoutMs` or on exit. */
  request(method: string, params: unknown, timeoutMs: number): Promise<RpcReply> {
    const id = this.nextId++;
    this.send({ jsonrpc: '2.0', id, method, params } as RpcMessage);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      void this.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        if (this.pending.delete(id))
          reject(
            new Error(`server exited (${signal ?? `code ${code}`}) before answering ${method}`),
          );
      });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params } as RpcMessage);
  }

  writeRaw(bytes: Buffer): void {
    if (this.alive) this.child.stdin!.write(bytes);
  }

  private send(message: RpcMessage): void {
    const body = Buffer.from(JSON.stringify(message));
    if (this.framing === 'lines') this.writeRaw(Buffer.concat([body, Buffer.from('\n')]));
    else
      this.writeRaw(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (let body = this.nextBody(); body !== undefined; body = this.nextBody()) {
      try {
        this.dispatch(JSON.parse(body) as RpcMessage);
      } catch {
        this.chatter.push(`(unparsable output) ${body.slice(0, 200)}`);
      }
    }
  }

  private nextBody(): string | undefined {
    if (this.framing === 'lines') {
      const end = this.buffer.indexOf(10);
      if (end < 0) return undefined;
      const line = this.buffer.subarray(0, end).toString();
      this.buffer = this.buffer.subarray(end + 1);
      return line.trim() ? line : this.nextBody();
    }
    const headerEnd = this.buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return undefined;
    const length = Number(
      /Content-Length: *(\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1],
    );
    if (this.buffer.length < headerEnd + 4 + length) return undefined;
    const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString();
    this.buffer = this.buffer.subarray(headerEnd + 4 + length);
    return body;
  }

  private dispatch(message: RpcMessage): void {
    if (message.method !== undefined && message.id !== undefined) {
      // A server-to-client request (progress tokens, configuration): answer it plainly.
      const result = message.method === 'workspace/configuration' ? [] : null;
      this.send({ jsonrpc: '2.0', id: message.id, result } as RpcMessage);
      return;
    }
    if (message.method !== undefined) {
      if (/showMessage|logMessage|notifications\/message/.test(message.method))
        this.chatter.push(JSON.stringify(message.params));
      return;
    }
    const settle = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
    if (settle) {
      this.pending.delete(message.id as number);
      settle({ result: message.result, error: message.error });
    } else this.chatter.push(JSON.stringify(message.error ?? message));
  }
}
