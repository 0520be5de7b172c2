// Reads LSP base-protocol frames (`Content-Length: N\r\n\r\n` + N bytes of JSON) from a
// byte stream and survives bad input. vscode-jsonrpc's StreamMessageReader reports a bad
// header and then reads the next body as headers, so one bad frame loses every later
// message; here a bad header skips to the next `Content-Length:` and a bad body is
// reported to the caller (who answers -32700) while later frames are read as usual.
import {
  AbstractMessageReader,
  Disposable,
  type DataCallback,
  type Message,
  type MessageReader,
} from 'vscode-languageserver/node';

/** Why a frame was dropped: the JSON-RPC error code to answer with and what was wrong. */
export interface FrameProblem {
  code: typeof PARSE_ERROR | typeof INVALID_REQUEST;
  message: string;
  /** The request id when the body was JSON with one, otherwise null (JSON-RPC's rule). */
  id: number | string | null;
}

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
/** A header block longer than this without its blank line is not a header. */
export const MAX_HEADER_BYTES = 8 * 1024;
/** Largest frame body: a base64 screenshot at the params limit plus room for the rest. */
export const MAX_FRAME_BYTES = 80 * 2 ** 20;

const HEADER_END = Buffer.from('\r\n\r\n', 'ascii');
const RESYNC_MARK = /content-length:/i;

export class FramedMessageReader extends AbstractMessageReader implements MessageReader {
  private chunks: Buffer[] = [];
  private bytes = 0;
  /** Body length of the frame being read; -1 while reading headers. */
  private bodyLength = -1;
  /** After a bad header: dropping bytes until the next `Content-Length:`. */
  private resyncing = false;
  private callback: DataCallback | undefined;

  constructor(
    private readonly readable: NodeJS.ReadableStream,
    private readonly onProblem: (problem: FrameProblem) => void,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (data: Buffer | string) => this.onData(Buffer.from(data));
    const onError = (error: Error) => this.fireError(error);
    const onClose = () => this.fireClose();
    this.readable.on('data', onData);
    this.readable.on('error', onError);
    this.readable.on('end', onClose);
    this.readable.on('close', onClose);
    return Disposable.create(() => {
      this.callback = undefined;
      this.readable.off('data', onData);
      this.readable.off('error', onError);
      this.readable.off('end', onClose);
      this.readable.off('close', onClose);
    });
  }

  private onData(data: Buffer): void {
    this.chunks.push(data);
    this.bytes += data.length;
    // A large body arrives in many chunks: join them once, when all are here.
    if (this.bodyLength >= 0 && this.bytes < this.bodyLength) return;
    let buffer: Buffer = Buffer.concat(this.chunks, this.bytes);
    for (;;) {
      const step = this.bodyLength < 0 ? this.readHeader(buffer) : this.readBody(buffer);
      buffer = step.rest;
      if (!step.more) break;
    }
    this.chunks = buffer.length ? [buffer] : [];
    this.bytes = buffer.length;
  }

  /** Consumes a header block (or skips junk); `more` is false when it must wait for bytes. */
  private readHeader(buffer: Buffer): Step {
    if (this.resyncing) {
      const at = buffer.toString('latin1').search(RESYNC_MARK);
      // Keep a tail that may be the start of the mark.
      if (at < 0) return { rest: buffer.subarray(Math.max(0, buffer.length - 15)), more: false };
      this.resyncing = false;
      buffer = buffer.subarray(at);
    }
    const end = buffer.indexOf(HEADER_END);
    if (end < 0) {
      if (buffer.length > MAX_HEADER_BYTES)
        return this.badHeader(buffer, `no blank line within ${MAX_HEADER_BYTES} bytes`);
      return { rest: buffer, more: false };
    }
    const header = buffer.subarray(0, end).toString('latin1');
    const length = /^content-length:[ \t]*(.*)$/im.exec(header)?.[1]?.trim();
    const rest = buffer.subarray(end + HEADER_END.length);
    // The header may be the tail of a frame whose length was wrong: look inside it again.
    if (length === undefined)
      return this.badHeader(buffer.subarray(1), 'the Content-Length header is missing');
    if (!/^\d+$/.test(length))
      return this.badHeader(rest, `Content-Length '${length.slice(0, 40)}' is not a number`);
    if (Number(length) > MAX_FRAME_BYTES)
      return this.badHeader(
        rest,
        `Content-Length ${length} is larger than the limit of ${MAX_FRAME_BYTES} bytes`,
      );
    this.bodyLength = Number(length);
    return { rest, more: true };
  }

  private readBody(buffer: Buffer): Step {
    if (buffer.length < this.bodyLength) return { rest: buffer, more: false };
    const body = buffer.subarray(0, this.bodyLength);
    const rest = buffer.subarray(this.bodyLength);
    this.bodyLength = -1;
    this.deliver(body);
    return { rest, more: rest.length > 0 };
  }

  private deliver(body: Buffer): void {
    let message: unknown;
    try {
      message = JSON.parse(body.toString('utf8'));
    } catch (error) {
      this.onProblem({
        code: PARSE_ERROR,
        message: `parse error: the message body is not valid JSON (${(error as Error).message})`,
        id: null,
      });
      return;
    }
    const problem = invalidMessage(message);
    if (problem) this.onProblem(problem);
    else this.callback?.(message as Message);
  }

  private badHeader(rest: Buffer, problem: string): Step {
    this.onProblem({
      code: PARSE_ERROR,
      message: `bad message header: ${problem}; skipped to the next Content-Length header`,
      id: null,
    });
    this.resyncing = true;
    return { rest, more: rest.length > 0 };
  }
}

interface Step {
  /** The bytes not consumed yet. */
  rest: Buffer;
  /** Whether to go on parsing now, or wait for more bytes. */
  more: boolean;
}

/** A JSON value that is no JSON-RPC message: the problem to answer, or undefined if fine. */
function invalidMessage(message: unknown): FrameProblem | undefined {
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return {
      code: INVALID_REQUEST,
      message: 'invalid request: a message must be a JSON object (batches are not supported)',
      id: null,
    };
  const m = message as { id?: unknown; method?: unknown; result?: unknown; error?: unknown };
  const id = typeof m.id === 'number' || typeof m.id === 'string' ? m.id : null;
  if (m.method !== undefined && typeof m.method !== 'string')
    return { code: INVALID_REQUEST, message: "invalid request: 'method' must be a string", id };
  if (m.method === undefined && m.id === undefined)
    return { code: INVALID_REQUEST, message: "invalid request: no 'method' and no 'id'", id };
  return undefined;
}
