// Reads raw RGB frames from a running ffmpeg: stdout carries the pixels, stderr carries
// one showinfo line per frame with its timestamp and size. The two pipes are read
// independently, so a frame is emitted once both its bytes and its line have arrived.
// stdout is paused while a few frames wait unread, so a slow consumer stalls ffmpeg
// (through the pipe) instead of growing memory.
import { IngestAbortError, IngestError } from './errors';
import type { FfmpegProcess } from './ffmpeg-process';

export interface FrameInfo {
  /** showinfo's frame counter. */
  n: number;
  /** Seconds from the start of this ffmpeg run. */
  ptsTime: number;
  /** Integer pts and its time base [num, den], when showinfo reported the time base. */
  pts: number;
  timeBase: [number, number] | undefined;
  width: number;
  height: number;
}

export interface RawFrame extends FrameInfo {
  rgb: Buffer;
}

const SHOWINFO = /\bn:\s*(\d+)\s+pts:\s*(-?\d+)\s+pts_time:(-?[\d.e+-]+)\s.*?\bs:(\d+)x(\d+)/;
const TIME_BASE = /config in time_base: (\d+)\/(\d+)/;

/**
 * Parses a showinfo frame line; undefined for any other line. showinfo prints pts_time
 * with six digits, so when the time base is known the time is computed from the integer
 * pts instead (exact: frame k at 3 fps is k/3, not 0.333333·k).
 */
export function parseShowinfoLine(
  line: string,
  timeBase?: [number, number],
): FrameInfo | undefined {
  if (!line.includes('showinfo')) return undefined;
  const match = SHOWINFO.exec(line);
  if (!match) return undefined;
  const pts = Number(match[2]);
  const ptsTime = timeBase ? (pts * timeBase[0]) / timeBase[1] : Number(match[3]);
  return {
    n: Number(match[1]),
    ptsTime,
    pts,
    timeBase,
    width: Number(match[4]),
    height: Number(match[5]),
  };
}

/** The `config in time_base: 1/2` line showinfo prints once, before the first frame. */
export function parseShowinfoTimeBase(line: string): [number, number] | undefined {
  if (!line.includes('showinfo')) return undefined;
  const match = TIME_BASE.exec(line);
  if (!match || Number(match[2]) === 0 || Number(match[1]) === 0) return undefined;
  return [Number(match[1]), Number(match[2])];
}

/** Byte chunks with a running total, from which whole frames are cut. */
class ChunkQueue {
  private chunks: Buffer[] = [];
  bytes = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /** Removes and returns exactly `size` bytes (the caller checked they are there). */
  take(size: number): Buffer {
    const out = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const head = this.chunks[0]!;
      const need = size - filled;
      if (head.length <= need) {
        head.copy(out, filled);
        filled += head.length;
        this.chunks.shift();
      } else {
        head.copy(out, filled, 0, need);
        this.chunks[0] = head.subarray(need);
        filled += need;
      }
    }
    this.bytes -= size;
    return out;
  }
}

export interface RawFrameOptions {
  /** What the frames are from, for error messages. */
  source: string;
  signal?: AbortSignal;
  /** Fail when ffmpeg sends nothing for this long while we wait for it (default 30 s). */
  stallTimeoutMs?: number;
  /** Reject frames larger than this many pixels. */
  maxPixels?: number;
  /** Told the bytes read from ffmpeg but not yet handed out, after each read. */
  onBuffered?: (bytes: number) => void;
}

/** Pairs stdout bytes with showinfo lines. Listens from construction on, so no line is missed. */
export class RawFrameReader {
  private readonly data = new ChunkQueue();
  private readonly infos: FrameInfo[] = [];
  private stdoutEnded = false;
  private wake: (() => void) | undefined;
  private paused = false;
  /** Pause stdout above this many unread bytes: 4 MiB until the frame size is known. */
  private highWater = 4 << 20;
  private timeBase: [number, number] | undefined;

  constructor(
    private readonly proc: FfmpegProcess,
    private readonly options: RawFrameOptions,
  ) {
    const stdout = proc.child.stdout!;
    stdout.on('data', (chunk: Buffer) => {
      this.data.push(chunk);
      this.options.onBuffered?.(this.data.bytes);
      if (this.data.bytes > this.highWater && !this.paused) {
        this.paused = true;
        stdout.pause();
      }
      this.notify();
    });
    stdout.on('end', () => {
      this.stdoutEnded = true;
      this.notify();
    });
    void proc.exited.then(() => this.notify());
    options.signal?.addEventListener('abort', () => this.notify(), { once: true });
  }

  /** Hook for FfmpegProcess.onStderrLine. */
  onStderrLine(line: string): void {
    const timeBase = parseShowinfoTimeBase(line);
    if (timeBase) this.timeBase = timeBase;
    const info = parseShowinfoLine(line, this.timeBase);
    if (!info) return;
    this.infos.push(info);
    this.notify();
  }

  /** The next frame, or undefined once ffmpeg has finished and every whole frame was read. */
  async next(): Promise<RawFrame | undefined> {
    for (;;) {
      if (this.options.signal?.aborted) throw new IngestAbortError(this.options.source);
      const info = this.infos[0];
      if (info) {
        const size = this.frameBytes(info);
        if (this.data.bytes >= size) return this.emit(info, size);
      }
      // Both pipes closed: what is left is a partial frame (or nothing).
      if (this.stdoutEnded && this.proc.hasExited) return undefined;
      this.resume();
      await this.waitForActivity();
    }
  }

  /** Bytes of a partial frame left when ffmpeg stopped mid-frame. */
  get leftoverBytes(): number {
    return this.data.bytes;
  }

  private frameBytes(info: FrameInfo): number {
    const pixels = info.width * info.height;
    if (this.options.maxPixels && pixels > this.options.maxPixels) {
      throw new IngestError(
        'too-many-pixels',
        this.options.source,
        `frame is ${info.width}x${info.height} = ${pixels} pixels, over the limit of ${this.options.maxPixels}`,
      );
    }
    this.highWater = 2 * pixels * 3 + (1 << 20);
    return pixels * 3;
  }

  private emit(info: FrameInfo, size: number): RawFrame {
    this.infos.shift();
    const rgb = this.data.take(size);
    if (this.data.bytes <= this.highWater) this.resume();
    return { ...info, rgb };
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.proc.child.stdout!.resume();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private waitForActivity(): Promise<void> {
    const timeoutMs = this.options.stallTimeoutMs ?? 30_000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        reject(
          new IngestError(
            'timeout',
            this.options.source,
            `ffmpeg produced no output for ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
