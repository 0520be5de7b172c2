// A media file opened for a few bounded reads of its structure. It is checked with stat
// before it is opened, because opening a FIFO for reading blocks until a writer comes; it
// is opened non-blocking and checked again, in case it was swapped for one in between; and
// the bytes read in total are capped, so a hostile file cannot make a header walk read
// gigabytes.
import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { IngestError } from '../ingest/errors';

/** Default cap on the bytes one MediaFile reads in total. */
export const MAX_BYTES_READ = 64 << 20;
/** Bytes a Cursor reads at a time, so walking small blocks costs one read per window. */
const WINDOW_BYTES = 16 << 10;

/** The file's structure cannot be followed further: damaged, cut short, or over the read cap. */
export class MalformedData extends Error {
  override name = 'MalformedData';
}

function typeProblem(stats: Stats): string {
  if (stats.isDirectory()) return 'is a directory, not a file';
  if (stats.isFIFO()) return 'is a named pipe (FIFO), not a regular file';
  if (stats.isSocket()) return 'is a socket, not a regular file';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'is a device, not a regular file';
  return 'is not a regular file';
}

function accessFailure(path: string, error: unknown): IngestError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new IngestError('not-found', path, 'file not found');
  if (code === 'EACCES' || code === 'EPERM')
    return new IngestError('unavailable', path, 'cannot be read: permission denied');
  const why = error instanceof Error ? error.message : String(error);
  return new IngestError('unavailable', path, `cannot be read (${why})`);
}

async function attempt<T>(path: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw accessFailure(path, error);
  }
}

/** Throws an IngestError naming the path unless `stats` describe a non-empty regular file. */
function checkStats(path: string, stats: Stats): void {
  if (!stats.isFile()) throw new IngestError('not-media', path, typeProblem(stats));
  if (stats.size === 0) throw new IngestError('empty-file', path, 'file is empty (0 bytes)');
}

export class MediaFile {
  /** Bytes read so far, all reads together. */
  bytesRead = 0;

  private constructor(
    readonly path: string,
    readonly size: number,
    private readonly handle: FileHandle,
    private readonly maxBytes: number,
  ) {}

  /** Opens a regular, non-empty file; any other throws an IngestError naming the path and why. */
  static async open(path: string, maxBytes = MAX_BYTES_READ): Promise<MediaFile> {
    checkStats(path, await attempt(path, () => stat(path)));
    // O_NONBLOCK: a FIFO swapped in after the stat opens at once instead of hanging.
    const flags = constants.O_RDONLY | constants.O_NONBLOCK;
    const handle = await attempt(path, () => open(path, flags));
    try {
      const stats = await handle.stat();
      checkStats(path, stats);
      return new MediaFile(path, stats.size, handle, maxBytes);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /**
   * Up to `length` bytes at `position`: fewer at the end of the file, or where the read cap
   * leaves fewer; throws MalformedData when the cap is already spent.
   */
  async read(position: number, length: number): Promise<Buffer> {
    const wanted = Math.max(0, Math.min(length, this.size - position));
    const allowed = Math.min(wanted, this.maxBytes - this.bytesRead);
    if (wanted > 0 && allowed <= 0)
      throw new MalformedData(`read limit of ${this.maxBytes} bytes reached`);
    const buffer = Buffer.alloc(allowed);
    const { bytesRead } = await this.handle.read(buffer, 0, allowed, position);
    this.bytesRead += bytesRead;
    return buffer.subarray(0, bytesRead);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** Reads forward through a MediaFile in windows, for walking a chain of small blocks. */
export class Cursor {
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly file: MediaFile,
    public position = 0,
  ) {}

  /** The next `length` bytes, moving past them; MalformedData where the file (or the cap) ends first. */
  async take(length: number): Promise<Buffer> {
    if (!this.holds(length)) {
      this.window = await this.file.read(this.position, Math.max(length, WINDOW_BYTES));
      this.windowStart = this.position;
    }
    if (!this.holds(length)) {
      const why =
        this.position + length > this.file.size
          ? `the file ends inside a block at byte ${this.position}`
          : `read limit reached at byte ${this.position}`;
      throw new MalformedData(why);
    }
    const start = this.position - this.windowStart;
    this.position += length;
    return this.window.subarray(start, start + length);
  }

  async byte(): Promise<number> {
    return (await this.take(1))[0]!;
  }

  skip(length: number): void {
    this.position += length;
  }

  private holds(length: number): boolean {
    const start = this.position - this.windowStart;
    return start >= 0 && start + length <= this.window.length;
  }
}
