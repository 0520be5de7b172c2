// Server-sent events, both directions: formatting the `data:` events our endpoint writes,
// and parsing the events a remote server streams back.

/** One SSE event carrying `data` (a JSON value, or the raw `[DONE]` sentinel). */
export function formatSseData(data: unknown): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  // JSON.stringify never emits raw newlines, so one data line per event suffices.
  return `data: ${text}\n\n`;
}

/**
 * Yields the data payload of each event in an SSE byte stream. Multi-line data is joined
 * with '\n' as the spec says; comments (`:` lines, used as keep-alives) and other fields
 * are skipped.
 */
export async function* parseSseData(
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  maxEventBytes = 16 * 1024 * 1024,
): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  for await (const chunk of chunksOf(body)) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
      // A lone '\r' at the end may be the first half of '\r\n': wait for the next chunk.
      if (newline === buffer.length - 1 && buffer[newline] === '\r') break;
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      if (line === '') {
        if (data.length) yield data.join('\n');
        data = [];
      } else if (line.startsWith('data:')) {
        data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
    }
    if (buffer.length > maxEventBytes)
      throw new Error(`server-sent event longer than ${maxEventBytes} bytes without a line break`);
  }
  buffer += decoder.decode();
  if (buffer.startsWith('data:')) data.push(buffer.slice(buffer.startsWith('data: ') ? 6 : 5));
  if (data.length) yield data.join('\n');
}

/** A web ReadableStream (fetch's body) or a Node stream, as an async iterable of chunks. */
export async function* chunksOf(
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  if (!('getReader' in body)) return yield* body;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Leaving early cancels the stream, which closes the connection under a fetch body.
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
