// One ffmpeg run as an async generator of frames: spawn, read, classify the failure if
// any, and always kill and reap the child on the way out (end, error, break or abort).
import { IngestAbortError, IngestError } from './errors';
import { classifyFailure, explainingLine } from './ffmpeg-failure';
import { FfmpegProcess, spawnFailure } from './ffmpeg-process';
import { RawFrameReader, type RawFrame } from './raw-frames';

export interface FfmpegRunOptions {
  ffmpegPath: string;
  args: string[];
  /** What is decoded, for error messages (a path, URL or device). */
  source: string;
  /** Local file behind the source, so failures can be classified by its bytes. */
  localPath?: string;
  signal?: AbortSignal;
  stallTimeoutMs?: number;
  maxPixels?: number;
  /** Gets the process once spawned (tests check its pid; growing files feed its stdin). */
  onSpawn?: (proc: FfmpegProcess) => void;
  /** Counts lines where ffmpeg reports damaged data but goes on. */
  onDecodeError?: () => void;
  pipeStdin?: boolean;
  /** Told the bytes read from ffmpeg but not yet handed out (for stats). */
  onBuffered?: (bytes: number) => void;
}

const DAMAGE =
  /error while decoding|Invalid NAL|concealing \d+|decode_slice_header error|corrupt (input|decoded frame)|Invalid data found/i;
const CONNECTION_LOST = /Read error|Stream ends prematurely|Connection reset by peer|Broken pipe/i;
const TRUNCATED = /partial file|Truncating packet|End of file|Packet corrupt|moov atom not found/i;

export async function* runFfmpeg(options: FfmpegRunOptions): AsyncGenerator<RawFrame> {
  let truncated = false;
  let connectionLost = false;
  const proc = new FfmpegProcess({
    ffmpegPath: options.ffmpegPath,
    args: options.args,
    pipeStdin: options.pipeStdin,
    onStderrLine: (line) => {
      // Lines arrive asynchronously, after `reader` below is initialised.
      reader.onStderrLine(line);
      if (DAMAGE.test(line)) options.onDecodeError?.();
      if (TRUNCATED.test(line)) truncated = true;
      if (CONNECTION_LOST.test(line)) connectionLost = true;
    },
  });
  const reader = new RawFrameReader(proc, {
    source: options.source,
    signal: options.signal,
    stallTimeoutMs: options.stallTimeoutMs,
    maxPixels: options.maxPixels,
    onBuffered: options.onBuffered,
  });
  const onAbort = () => void proc.kill();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let delivered = 0;
  try {
    if (proc.pid === undefined) {
      const exit = await proc.exited;
      throw spawnFailure(
        options.ffmpegPath,
        exit.spawnError ?? Object.assign(new Error('spawn failed'), { code: 'ENOENT' }),
      );
    }
    options.onSpawn?.(proc);
    for (;;) {
      const frame = await reader.next();
      if (!frame) break;
      delivered++;
      yield frame;
    }
    const exit = await proc.exited;
    if (exit.spawnError) throw spawnFailure(options.ffmpegPath, exit.spawnError);
    if (options.signal?.aborted) throw new IngestAbortError(options.source);
    if (exit.signal) {
      const why = explainingLine(proc.stderrTail());
      throw new IngestError(
        'ffmpeg-failed',
        options.source,
        `ffmpeg crashed with ${exit.signal} (${why})`,
      );
    }
    if (exit.code !== 0)
      throw classifyFailure(options.source, proc.stderrTail(), options.localPath);
    if (!options.localPath && connectionLost) {
      // ffmpeg ends a cut network stream like a finished one (exit 0); it is a failure, so
      // the live source reconnects.
      throw new IngestError(
        'unavailable',
        options.source,
        `connection lost (ffmpeg: ${explainingLine(proc.stderrTail())})`,
      );
    }
    if (options.localPath && (truncated || reader.leftoverBytes > 0)) {
      throw new IngestError(
        'truncated',
        options.source,
        `file is truncated: decoding stopped after ${delivered} frames (ffmpeg: ${truncatedLine(proc)})`,
      );
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await proc.kill();
  }
}

function truncatedLine(proc: FfmpegProcess): string {
  const lines = proc.stderrTail().filter((line) => TRUNCATED.test(line));
  return lines.length > 0 ? explainingLine(lines) : 'incomplete last frame';
}
