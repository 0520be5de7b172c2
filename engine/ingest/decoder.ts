// The decoder: any source spec in, an async iterable of RGB frames with exact timestamps
// out. Files are checked (probe) before decoding so bad input fails with a clear error;
// growing files are followed; live sources reconnect and drop frames when the consumer
// falls behind (see live-source.ts).
import { IngestAbortError, IngestError } from './errors';
import { decodeArgs, probeInputOptions, type OutputOptions } from './ffmpeg-args';
import { findFfmpeg, type FfmpegProcess } from './ffmpeg-process';
import { runFfmpeg, type FfmpegRunOptions } from './ffmpeg-run';
import { followGrowingFile } from './growing-file';
import { checkDeclaredPixels } from './image-header';
import { DEFAULT_MAX_DURATION_SEC, DEFAULT_MAX_PIXELS } from './limits';
import { liveFrames, type ReconnectOptions } from './live-source';
import { probeVideo } from './probe';
import { x11ScreenSize } from './x11-screen-size';
import type { RawFrame } from './raw-frames';
import {
  isLiveSource,
  type DecodeStats,
  type DecodedFrame,
  type SourceSpec,
  type VideoMetadata,
} from './types';

export interface DecodeOptions extends OutputOptions {
  signal?: AbortSignal;
  /** An explicit ffmpeg binary; otherwise resolveFfmpeg(ffmpegSetting). */
  ffmpegPath?: string;
  /** The vlm.ffmpegPath setting, passed to resolveFfmpeg. */
  ffmpegSetting?: string;
  /** Reject sources whose frames have more pixels (default 40 M). */
  maxPixels?: number;
  /** Reject files longer than this (default 24 h). */
  maxDurationSec?: number;
  /** Fail when ffmpeg is silent this long while we wait for a frame (default 30 s). */
  stallTimeoutMs?: number;
  /** Live sources: frames held for a slow consumer before the oldest is dropped (default 4). */
  liveQueueSize?: number;
  /** Live sources: how to retry when the source fails. */
  reconnect?: ReconnectOptions;
}

/** One decode. Iterate it once; `stats` and `pid` can be read at any time. */
export class FrameStream implements AsyncIterable<DecodedFrame> {
  readonly stats: DecodeStats = {
    framesDelivered: 0,
    framesDropped: 0,
    reconnects: 0,
    decodeErrors: 0,
    peakBufferedBytes: 0,
  };
  /** Set once a file has been probed. */
  metadata: VideoMetadata | undefined;
  private proc: FfmpegProcess | undefined;
  private started = false;

  constructor(
    public source: SourceSpec,
    private readonly options: DecodeOptions,
  ) {}

  /** The running ffmpeg's pid (undefined before the first frame is asked for). */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  [Symbol.asyncIterator](): AsyncIterator<DecodedFrame> {
    if (this.started) throw new Error('a FrameStream can be iterated only once');
    this.started = true;
    return this.frames();
  }

  private async *frames(): AsyncGenerator<DecodedFrame> {
    const ffmpegPath = findFfmpeg(this.options.ffmpegPath, this.options.ffmpegSetting);
    const start = await this.checkSource(ffmpegPath);
    await this.sizeScreen(ffmpegPath);
    const end = this.options.endSec;
    let index = 0;
    for await (const raw of this.rawFrames(
      ffmpegPath,
      this.metadata?.isImage ? { fps: undefined } : {},
    )) {
      // Also stops frames already queued by a live source from reaching an aborted consumer.
      if (this.options.signal?.aborted) throw new IngestAbortError(describeSource(this.source));
      const timeSec = frameTime(start, raw);
      // The fps filter may emit one frame at the end boundary; the range is [start, end).
      if (end !== undefined && timeSec >= end - 1e-9) continue;
      const { droppedBefore = 0 } = raw as RawFrame & { droppedBefore?: number };
      this.stats.framesDelivered++;
      yield {
        index: index++,
        timeSec,
        width: raw.width,
        height: raw.height,
        rgb: raw.rgb,
        droppedBefore,
      };
    }
  }

  /** Probes files and checks the limits; returns the time offset of the first frame. */
  private async checkSource(ffmpegPath: string): Promise<number> {
    const source = this.source;
    if (source.kind !== 'file' && source.kind !== 'image-sequence') return 0;
    const path = source.kind === 'file' ? source.path : source.pattern;
    this.metadata = await probeVideo(path, {
      ffmpegPath,
      inputArgs: probeInputOptions(source),
      signal: this.options.signal,
    });
    const { width, height, durationSec } = this.metadata;
    const maxPixels = this.options.maxPixels ?? DEFAULT_MAX_PIXELS;
    if (width * height > maxPixels) {
      throw new IngestError(
        'too-many-pixels',
        path,
        `video is ${width}x${height} = ${width * height} pixels, over the limit of ${maxPixels}`,
      );
    }
    const maxDuration = this.options.maxDurationSec ?? DEFAULT_MAX_DURATION_SEC;
    if (durationSec !== undefined && durationSec > maxDuration) {
      throw new IngestError(
        'too-long',
        path,
        `duration ${durationSec.toFixed(1)} s is over the limit of ${maxDuration} s`,
      );
    }
    return this.options.startSec ?? 0;
  }

  /** x11grab needs the screen size to capture the whole screen (see x11-screen-size.ts). */
  private async sizeScreen(ffmpegPath: string): Promise<void> {
    const source = this.source;
    if (source.kind !== 'screen' || source.region || process.platform !== 'linux') return;
    const display = source.display ?? process.env.DISPLAY ?? ':0';
    const { width, height } = await x11ScreenSize(ffmpegPath, display);
    this.source = { ...source, display, region: { x: 0, y: 0, width, height } };
  }

  /** `output` overrides the caller's output options (a still image ignores fps). */
  private rawFrames(ffmpegPath: string, output: OutputOptions): AsyncIterable<RawFrame> {
    const run = (overrides: Partial<FfmpegRunOptions> = {}) =>
      runFfmpeg({ ...this.runOptions(ffmpegPath, output), ...overrides });
    const source = this.source;
    if (isLiveSource(source)) {
      return liveFrames((signal) => run({ signal }), {
        source: describeSource(source),
        signal: this.options.signal,
        queueSize: this.options.liveQueueSize,
        reconnect: this.options.reconnect,
        stats: this.stats,
      });
    }
    if (source.kind === 'growing-file') {
      const idleMs = source.idleMs ?? 3000;
      let followError: unknown;
      const frames = run({
        pipeStdin: true,
        // Silence while the writer pauses is expected; only longer silence is a stall.
        stallTimeoutMs: idleMs + (this.options.stallTimeoutMs ?? 30_000),
        onSpawn: (proc) => {
          this.proc = proc;
          void followGrowingFile(source.path, proc.child.stdin!, {
            idleMs,
            pollMs: source.pollMs,
            signal: this.options.signal,
          }).catch((error: unknown) => {
            followError = error;
            void proc.kill();
          });
        },
      });
      // A follower failure (file missing, shrinking) explains the end better than ffmpeg's.
      return (async function* () {
        try {
          yield* frames;
        } catch (error) {
          throw followError ?? error;
        }
        if (followError) throw followError;
      })();
    }
    return run();
  }

  private runOptions(ffmpegPath: string, output: OutputOptions): FfmpegRunOptions {
    const source = this.source;
    const localPath =
      source.kind === 'file' || source.kind === 'growing-file' ? source.path : undefined;
    return {
      ffmpegPath,
      args: decodeArgs(source, { ...this.options, ...output }),
      source: describeSource(source),
      localPath,
      signal: this.options.signal,
      stallTimeoutMs: this.options.stallTimeoutMs,
      maxPixels: this.options.maxPixels ?? DEFAULT_MAX_PIXELS,
      onSpawn: (proc) => (this.proc = proc),
      onDecodeError: () => this.stats.decodeErrors++,
      onBuffered: (bytes) => {
        if (bytes > this.stats.peakBufferedBytes) this.stats.peakBufferedBytes = bytes;
      },
    };
  }
}

/**
 * start + pts * num / den, computed over one denominator so grid times stay exact:
 * frame 2 at 3 fps from 1 s is 5/3, not 1 + 2/3 (which differs in the last bit).
 */
function frameTime(start: number, frame: RawFrame): number {
  if (!frame.timeBase) return start + frame.ptsTime;
  const [num, den] = frame.timeBase;
  const startTicks = start * den;
  return Number.isInteger(startTicks)
    ? (startTicks + frame.pts * num) / den
    : start + frame.ptsTime;
}

/** A short name for a source in messages: its path, URL or device. */
export function describeSource(source: SourceSpec): string {
  switch (source.kind) {
    case 'file':
    case 'growing-file':
      return source.path;
    case 'image-sequence':
      return source.pattern;
    case 'url':
      return source.url;
    case 'screen':
      return `screen ${source.display ?? process.env.DISPLAY ?? ':0'}`;
    case 'camera':
      return `camera ${source.device ?? 'default'}`;
  }
}

/**
 * Decodes a source (a path means a file) into RGB frames. Nothing runs until the first
 * frame is asked for; breaking out of the loop or aborting `signal` kills ffmpeg.
 */
export function decodeFrames(
  source: SourceSpec | string,
  options: DecodeOptions = {},
): FrameStream {
  const spec: SourceSpec = typeof source === 'string' ? { kind: 'file', path: source } : source;
  checkOptions(options);
  return new FrameStream(spec, options);
}

/** Rejects option values ffmpeg would misread (or hang on) with a message naming the option. */
function checkOptions(options: DecodeOptions): void {
  const fail = (name: string, value: unknown, rule: string) => {
    throw new RangeError(`decode option ${name}=${String(value)}: ${rule}`);
  };
  const { fps, startSec, endSec, maxWidth, maxHeight } = options;
  if (fps !== undefined && !(fps > 0 && fps <= 1000))
    fail('fps', fps, 'must be above 0 and at most 1000');
  if (startSec !== undefined && !(startSec >= 0)) fail('startSec', startSec, 'must be 0 or more');
  if (endSec !== undefined && !(endSec > (startSec ?? 0)))
    fail('endSec', endSec, 'must be after startSec');
  for (const [name, value] of [
    ['maxWidth', maxWidth],
    ['maxHeight', maxHeight],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 2))
      fail(name, value, 'must be an integer of at least 2');
  }
}

/**
 * Metadata of a video or image file, from `ffmpeg -i` (no ffprobe needed). A GIF or AVI
 * declaring a picture over the pixel limit is refused from its header first.
 */
export async function readVideoMetadata(
  path: string,
  options: { ffmpegPath?: string; ffmpegSetting?: string; signal?: AbortSignal } = {},
): Promise<VideoMetadata> {
  await checkDeclaredPixels(path);
  const ffmpegPath = findFfmpeg(options.ffmpegPath, options.ffmpegSetting);
  return probeVideo(path, { ffmpegPath, signal: options.signal });
}
