// MCP over stdio, one JSON-RPC message a line, as the SDK's StdioServerTransport does,
// except that a line that is not a message gets the answer JSON-RPC 2.0 prescribes instead
// of silence: -32700 Parse error (id null) for a line that is not JSON, -32600 Invalid
// Request for JSON that is not a valid message (with its id when it has a usable one). Each
// such line is also logged as one line on stderr; the server keeps serving.
import process from 'node:process';
import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;

/** The longest line kept while waiting for its newline (the SDK's transport has no limit). */
const MAX_LINE_BYTES = 64 * 1024 * 1024;

export interface LineStdioTransportOptions {
  /** Where refused lines are logged (default: stderr). */
  log?: (line: string) => void;
}

export class LineStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;
  private closed = false;
  private readonly log: (line: string) => void;

  constructor(
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
    options: LineStdioTransportOptions = {},
  ) {
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  private readonly onData = (chunk: Buffer | string) => {
    this.buffer = Buffer.concat([this.buffer, Buffer.from(chunk)]);
    let index: number;
    while ((index = this.buffer.indexOf(0x0a)) !== -1) {
      const line = this.buffer.toString('utf8', 0, index).replace(/\r$/, '');
      this.buffer = this.buffer.subarray(index + 1);
      this.handleLine(line);
    }
    if (this.buffer.length > MAX_LINE_BYTES) {
      this.buffer = Buffer.alloc(0);
      this.refuse(PARSE_ERROR, 'Parse error', `a line over ${MAX_LINE_BYTES} bytes`, null);
    }
  };

  private readonly onStreamError = (error: Error) => this.onerror?.(error);

  async start(): Promise<void> {
    if (this.started) throw new Error('LineStdioTransport already started');
    this.started = true;
    this.stdin.on('data', this.onData);
    this.stdin.on('error', this.onStreamError);
  }

  private handleLine(line: string): void {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      this.refuse(PARSE_ERROR, 'Parse error', `not JSON (${(error as Error).message})`, null);
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at '${issue.path.join('.')}'` : '';
      this.refuse(
        INVALID_REQUEST,
        'Invalid Request',
        `not a JSON-RPC 2.0 message${describe(value)}${where}`,
        idOf(value),
      );
      return;
    }
    this.onmessage?.(parsed.data);
  }

  /** Answers a line that is not a message, and logs it. */
  private refuse(code: number, title: string, detail: string, id: string | number | null): void {
    const message = `${title}: ${detail}`;
    this.log(`vlm mcp: refused a line from the client: ${message}`);
    // The SDK's types have no response with a null id, which JSON-RPC requires here.
    const response = { jsonrpc: '2.0', id, error: { code, message } };
    this.write(`${JSON.stringify(response)}\n`).catch((error: unknown) =>
      this.onerror?.(error as Error),
    );
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.write(`${JSON.stringify(message)}\n`);
  }

  private write(text: string): Promise<void> {
    return new Promise((resolve) => {
      if (this.stdout.write(text)) resolve();
      else this.stdout.once('drain', resolve);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stdin.off('data', this.onData);
    this.stdin.off('error', this.onStreamError);
    if (this.stdin.listenerCount('data') === 0) this.stdin.pause();
    this.buffer = Buffer.alloc(0);
    this.onclose?.();
  }
}

/** The id of an invalid request, when it has one a client could match (JSON-RPC: else null). */
function idOf(value: unknown): string | number | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}

/** What the JSON was, for the message: an array, a number, an object missing its method... */
function describe(value: unknown): string {
  if (Array.isArray(value)) return ' (a JSON array; batches are not accepted)';
  if (typeof value !== 'object' || value === null)
    return ` (a JSON ${value === null ? 'null' : typeof value})`;
  const record = value as Record<string, unknown>;
  if (record.jsonrpc !== '2.0') return ' (no "jsonrpc": "2.0")';
  if ('method' in record && typeof record.method !== 'string') return ' (method is not a string)';
  if (!('method' in record) && !('result' in record) && !('error' in record)) return ' (no method)';
  if ('params' in record && (typeof record.params !== 'object' || Array.isArray(record.params)))
    return ' (params is not an object)';
  return '';
}
