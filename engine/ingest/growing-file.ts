// Follows a file that a recorder is still writing: copies new bytes into ffmpeg's stdin as
// they appear, and ends the input once the file has not grown for `idleMs`. Containers
// that can be read front to back (Matroska/WebM, MPEG-TS, fragmented MP4) work this way;
// a plain MP4 keeps its index at the end and cannot be read before the writer finishes.
import { open, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { IngestError } from './errors';

export interface FollowOptions {
  /** End when the file has not grown for this long (default 3000 ms). */
  idleMs?: number;
  /** How often to look for new bytes (default 100 ms). */
  pollMs?: number;
  signal?: AbortSignal;
}

const CHUNK_BYTES = 1 << 20;

async function openWhenPresent(
  path: string,
  waitMs: number,
  pollMs: number,
  signal?: AbortSignal,
): Promise<FileHandle> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await open(path, 'r');
    } catch (error) {
      if (
        (error as NodeJS.ErrnoException).code !== 'ENOENT' ||
        Date.now() >= deadline ||
        signal?.aborted
      ) {
        throw new IngestError(
          'not-found',
          path,
          `file not found (waited ${waitMs} ms for it to appear)`,
        );
      }
      await sleep(pollMs);
    }
  }
}

/** Waits for the sink to take more, or to close (ffmpeg quit: nothing more to write). */
function drained(sink: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      sink.off('drain', done);
      sink.off('close', done);
      resolve();
    };
    sink.on('drain', done);
    sink.on('close', done);
  });
}

/** Resolves when the file stopped growing and the sink was ended; rejects on a read error. */
export async function followGrowingFile(
  path: string,
  sink: Writable,
  options: FollowOptions = {},
): Promise<void> {
  const idleMs = options.idleMs ?? 3000;
  const pollMs = options.pollMs ?? 100;
  const file = await openWhenPresent(path, idleMs, pollMs, options.signal);
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let position = 0;
  let lastGrowth = Date.now();
  try {
    while (!options.signal?.aborted && !sink.destroyed) {
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead > 0) {
        position += bytesRead;
        lastGrowth = Date.now();
        // Copy: the buffer is reused for the next read while the sink may still hold this chunk.
        if (!sink.write(Buffer.from(buffer.subarray(0, bytesRead)))) await drained(sink);
        continue;
      }
      const { size } = await file.stat();
      if (size < position)
        throw new IngestError(
          'truncated',
          path,
          `file shrank from ${position} to ${size} bytes while being followed`,
        );
      if (Date.now() - lastGrowth >= idleMs) break;
      await sleep(pollMs);
    }
  } finally {
    await file.close();
    if (!sink.destroyed) sink.end();
  }
}
