// Reads a request body under a byte limit. Over the limit, the caller answers 413 and
// closes the connection: the rest of the body is never read, so nothing is left hanging.
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors';

export function requestTooLarge(maxBytes: number): ApiError {
  return new ApiError(
    413,
    'request_too_large',
    `request body over the limit of ${maxBytes} bytes; send fewer or smaller images (downscale, or JPEG)`,
  );
}

/** Listens rather than iterates: leaving an async iterator early would destroy the socket before the 413 is sent. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes)
    return Promise.reject(requestTooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (error: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', stop);
      req.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) stop(requestTooLarge(maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks, size));
    req.on('data', onData).once('end', onEnd).once('error', stop);
  });
}

export async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const body = await readBody(req, maxBytes);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ApiError(
      400,
      'invalid_json',
      `request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}
