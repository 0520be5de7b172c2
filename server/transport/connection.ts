// Builds the language-server connection over a message reader and writer, with two
// answers that vscode-languageserver does not give itself: a frame the reader could not
// read gets a JSON-RPC error (-32700 / -32600), and after `shutdown` every request gets
// ShuttingDown (4013) without reaching a handler, as docs/protocol.md documents.
import {
  AbstractMessageReader,
  Disposable,
  ProposedFeatures,
  createConnection,
  type Connection,
  type DataCallback,
  type Message,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node';
import { VlmErrorCodes } from '../../protocol/protocol';
import type { FrameProblem } from './framed-reader';

export interface ServerConnection {
  connection: Connection;
  /** True once the client has sent `shutdown`. */
  shutdownReceived(): boolean;
}

/** Writes a JSON-RPC error response for request `id` (null when the id is unknown). */
export function sendError(
  writer: MessageWriter,
  id: number | string | null,
  code: number,
  message: string,
): void {
  const response = { jsonrpc: '2.0', id, error: { code, message } };
  void writer.write(response as Message).catch(() => {});
}

/** The handler a FramedMessageReader reports bad frames to: log, then answer. */
export function answerBadFrames(writer: MessageWriter): (problem: FrameProblem) => void {
  return (problem) => {
    process.stderr.write(`vlm server: ${problem.message}\n`);
    sendError(writer, problem.id, problem.code, problem.message);
  };
}

export function connectServer(reader: MessageReader, writer: MessageWriter): ServerConnection {
  const gate = new ShutdownGate(reader, writer);
  return {
    connection: createConnection(ProposedFeatures.all, gate, writer),
    shutdownReceived: () => gate.shutdownReceived,
  };
}

interface Incoming {
  id?: number | string | null;
  method?: string;
}

/** Passes messages through until `shutdown`; afterwards answers requests itself. */
class ShutdownGate extends AbstractMessageReader implements MessageReader {
  shutdownReceived = false;

  constructor(
    private readonly inner: MessageReader,
    private readonly writer: MessageWriter,
  ) {
    super();
    inner.onError((error) => this.fireError(error));
    inner.onClose(() => this.fireClose());
    inner.onPartialMessage((info) => this.firePartialMessage(info));
  }

  listen(callback: DataCallback): Disposable {
    return this.inner.listen((message) => {
      const m = message as Incoming;
      const isRequest = typeof m.method === 'string' && m.id !== undefined && m.id !== null;
      if (isRequest && this.shutdownReceived) {
        sendError(
          this.writer,
          m.id!,
          VlmErrorCodes.ShuttingDown,
          `the server is shutting down: '${m.method}' refused after 'shutdown'; only 'exit' is accepted`,
        );
        return;
      }
      if (isRequest && m.method === 'shutdown') this.shutdownReceived = true;
      callback(message);
    });
  }

  override dispose(): void {
    super.dispose();
    this.inner.dispose();
  }
}
