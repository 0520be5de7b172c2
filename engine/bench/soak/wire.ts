// The soak's LSP wire, on vscode-jsonrpc: a writer that puts each frame on the pipe in one
// write (so a deliberately broken frame can go between two good ones without splitting
// either), and a reader tap that shows every response to the ledger before the client
// library sees it, the id-less error responses to bad frames included.
import type { Writable } from 'node:stream';
import {
  AbstractMessageReader,
  AbstractMessageWriter,
  Disposable,
  type DataCallback,
  type Message,
  type MessageReader,
  type MessageWriter,
} from 'vscode-jsonrpc/node';

export interface WireResponse {
  id: number | string | null;
  result?: unknown;
  error?: { code: number; message: string };
}

export class FrameWriter extends AbstractMessageWriter implements MessageWriter {
  constructor(
    private readonly output: Writable,
    private readonly onRequest: (message: { id: number | string; method: string }) => void,
  ) {
    super();
  }

  write(message: Message): Promise<void> {
    const m = message as { id?: number | string; method?: string };
    if (m.id !== undefined && m.method !== undefined)
      this.onRequest(m as { id: number | string; method: string });
    this.writeRaw(JSON.stringify(message));
    return Promise.resolve();
  }

  /** One frame around `body`, exactly as given (which may be no JSON at all). */
  writeRaw(body: string): void {
    const bytes = Buffer.from(body, 'utf8');
    this.output.write(
      Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`, 'ascii'), bytes]),
    );
  }

  end(): void {}
}

export class TapReader extends AbstractMessageReader implements MessageReader {
  constructor(
    private readonly inner: MessageReader,
    private readonly onResponse: (response: WireResponse) => void,
  ) {
    super();
    inner.onError((error) => this.fireError(error));
    inner.onClose(() => this.fireClose());
  }

  listen(callback: DataCallback): Disposable {
    return this.inner.listen((message) => {
      const m = message as unknown as WireResponse & { method?: string };
      if (m.method === undefined) this.onResponse(m);
      // The client library only logs id-less errors; the ledger has counted them already.
      if (m.id !== null) callback(message);
    });
  }
}
