// A user's input file, opened once and checked on the open handle. The name is resolved
// (symbolic links followed) first, so a link loop or a dangling link is named as such and
// allow-lists can compare real paths; the file is opened non-blocking, so a FIFO opens at
// once instead of waiting for a writer; and what it is (regular file, directory, FIFO,
// device) is read from the handle with fstat, never from the name, so a file swapped in
// between is judged by what was actually opened.
import { constants, type Stats } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { IngestError } from '../ingest/errors';
import { SNIFF_BYTES, sniffFormat } from '../ingest/file-sniff';

export interface InputFile {
  /** The path as the user gave it, for messages. */
  readonly path: string;
  /** The path with every symbolic link resolved: what decoders are given. */
  readonly realPath: string;
  readonly size: number;
  /** Device and inode of the opened file, to tell whether a path still names it. */
  readonly identity: { dev: number; ino: number };
  readonly handle: FileHandle;
  close(): Promise<void>;
}

/** What a non-regular file is, in words. */
export function typeProblem(stats: Stats): string {
  if (stats.isDirectory()) return 'is a directory, not a file';
  if (stats.isFIFO()) return 'is a named pipe (FIFO), not a regular file';
  if (stats.isSocket()) return 'is a socket, not a regular file';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'is a device, not a regular file';
  return 'is not a regular file';
}

/** An error from resolving or opening `path`, as an IngestError that names it. */
export function accessFailure(path: string, error: unknown): IngestError {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return new IngestError('not-found', path, 'file not found');
    case 'ENOTDIR':
      return new IngestError(
        'not-found',
        path,
        'file not found (a part of the path is not a folder)',
      );
    case 'ELOOP':
      return new IngestError(
        'unavailable',
        path,
        'cannot be opened: symbolic link loop (too many levels of symbolic links)',
      );
    case 'ENAMETOOLONG':
      return new IngestError('unavailable', path, 'cannot be opened: the path is too long');
    case 'EACCES':
    case 'EPERM':
      return new IngestError('unavailable', path, 'cannot be read: permission denied');
    case 'EISDIR':
      return new IngestError('not-media', path, 'is a directory, not a file');
  }
  const why = error instanceof Error ? error.message : String(error);
  return new IngestError('unavailable', path, `cannot be read (${why})`);
}

/** Throws an IngestError naming the path unless `stats` describe a non-empty regular file. */
export function checkRegularFile(path: string, stats: Stats): void {
  if (!stats.isFile()) throw new IngestError('not-media', path, typeProblem(stats));
  if (stats.size === 0) throw new IngestError('empty-file', path, 'file is empty (0 bytes)');
}

/**
 * Opens a non-empty regular file for reading; anything else throws an IngestError that
 * names the path and the problem (missing, link loop, permission, directory, FIFO,
 * device, empty). The caller closes it.
 */
export async function openInputFile(path: string): Promise<InputFile> {
  let realPath: string;
  let handle: FileHandle;
  try {
    realPath = await realpath(path);
    handle = await open(realPath, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw accessFailure(path, error);
  }
  try {
    const stats = await handle.stat();
    checkRegularFile(path, stats);
    return {
      path,
      realPath,
      size: stats.size,
      identity: { dev: stats.dev, ino: stats.ino },
      handle,
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Checks `path` as openInputFile does and closes it again; returns the real path that
 * decoders (ffmpeg, sharp) are given. They open that path themselves: ffmpeg needs a
 * seekable file (an MP4's index may sit at its end), which a pipe is not.
 */
export async function checkInputFile(path: string): Promise<string> {
  const file = await openInputFile(path);
  await file.close();
  return file.realPath;
}

/** Whether the file is WebP by its bytes (ffmpeg cannot decode WebP; sharp reads it). */
export async function isWebpFile(path: string): Promise<boolean> {
  const file = await openInputFile(path);
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await file.handle.read(head, 0, SNIFF_BYTES, 0);
    return sniffFormat(head.subarray(0, bytesRead)) === 'webp';
  } finally {
    await file.close();
  }
}
