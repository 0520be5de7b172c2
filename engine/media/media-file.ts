// A media file opened for a few bounded reads of its structure. It is opened and checked
// as every input file is (input-file.ts: links resolved, opened non-blocking so a FIFO
// cannot hang it, judged by fstat of the handle), and the bytes read in total are capped,
// so a hostile file cannot make a header walk read gigabytes.
import type { FileHandle } from 'node:fs/promises';
import { openInputFile } from './input-file';

/** Default cap on the bytes one MediaFile reads in total. */
export const MAX_BYTES_READ = 64 << 20;
/** Bytes a Cursor reads at a time, so walking small blocks costs one read per window. */
const WINDOW_BYTES = 16 << 10;

/** The file's structure cannot be followed further: damaged, cut short, or over the read cap. */
export class MalformedData extends Error {
  override name = 'MalformedData';
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
    const file = await openInputFile(path);
    return new MediaFile(path, file.size, file.handle, maxBytes);
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
