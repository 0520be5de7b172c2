// Token authentication for the socket transport: the client's first bytes are the token
// and '\n'. Anything else (wrong token, no newline within the size or time limit) is
// refused with one framed window/showMessage naming the problem, then the connection closes.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { SocketAuthentication } from '../../protocol/protocol';

export type AuthOutcome = { ok: true; rest: Buffer } | { ok: false; reason: string };

export function tokensMatch(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Reads the token line from `input` and checks it; on success `rest` holds the bytes after it. */
export function authenticate(input: Readable, expected: string): Promise<AuthOutcome> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const finish = (outcome: AuthOutcome) => {
      clearTimeout(timer);
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const newline = buffered.indexOf(10);
      if (newline < 0) {
        if (buffered.length > SocketAuthentication.maxLineBytes)
          finish({
            ok: false,
            reason: `no token line within the first ${SocketAuthentication.maxLineBytes} bytes`,
          });
        return;
      }
      const token = buffered.subarray(0, newline).toString('utf8').replace(/\r$/, '');
      if (!tokensMatch(token, expected)) return finish({ ok: false, reason: 'wrong token' });
      finish({ ok: true, rest: buffered.subarray(newline + 1) });
    };
    const onEnd = () => finish({ ok: false, reason: 'connection closed before the token line' });
    const timer = setTimeout(
      () =>
        finish({ ok: false, reason: `no token line within ${SocketAuthentication.timeoutMs} ms` }),
      SocketAuthentication.timeoutMs,
    );
    input.on('data', onData);
    input.on('end', onEnd);
  });
}

/** Writes the refusal of a connection whose token line was wrong or missing. */
export function writeRefusal(output: Writable, reason: string): Promise<void> {
  return writeErrorMessage(
    output,
    `vlm serve: authentication failed: ${reason}; connection refused`,
  );
}

/** Writes one LSP-framed window/showMessage (type Error), so an editor shows why it was refused. */
export function writeErrorMessage(output: Writable, message: string): Promise<void> {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    method: 'window/showMessage',
    params: { type: 1, message },
  });
  const frame = `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  return new Promise((resolve) => output.write(frame, () => resolve()));
}
