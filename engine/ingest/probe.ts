// Video metadata without ffprobe: `ffmpeg -i FILE` prints the container, duration and
// streams on stderr (then fails for want of an output, which is expected).
import { statSync } from 'node:fs';
import { IngestError } from './errors';
import { asLocalFile } from './ffmpeg-args';
import { classifyFailure } from './ffmpeg-failure';
import { FfmpegProcess, spawnFailure } from './ffmpeg-process';
import type { VideoMetadata } from './types';

export interface ProbeOptions {
  ffmpegPath: string;
  /** Input options placed before `-i` (e.g. `-f image2 -framerate 2` for a sequence). */
  inputArgs?: string[];
  /** Kill ffmpeg after this long (default 20 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const MAX_PROBE_LINES = 2000;
const IMAGE_CODECS = new Set([
  'png',
  'mjpeg',
  'bmp',
  'tiff',
  'webp',
  'jpeg2000',
  'pam',
  'ppm',
  'pgm',
  'qoi',
]);
const IMAGE_DEMUXERS =
  /^(image2|png_pipe|jpeg_pipe|bmp_pipe|tiff_pipe|webp_pipe|ppm_pipe|pgm_pipe)/;

function parseDuration(text: string): number | undefined {
  const match = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

/** "30 fps", "29.97 fps", "30k fps" (thousands), else the "tbr" figure. */
function parseFps(streamLine: string): number | undefined {
  const match = /([\d.]+)(k?) fps/.exec(streamLine) ?? /([\d.]+)(k?) tbr/.exec(streamLine);
  if (!match) return undefined;
  const value = Number(match[1]) * (match[2] ? 1000 : 1);
  return value > 0 && Number.isFinite(value) ? value : undefined;
}

function parseRotation(text: string): number {
  const tag = /rotate\s*:\s*(-?\d+)/.exec(text)?.[1];
  const matrix = /rotation of (-?[\d.]+) degrees/.exec(text)?.[1];
  const degrees = tag !== undefined ? Number(tag) : matrix !== undefined ? -Number(matrix) : 0;
  return (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
}

/** Parses the stderr of `ffmpeg -i`; undefined when there is no video stream. */
export function parseFfmpegInfo(stderr: string): VideoMetadata | undefined {
  const streamLine = /Stream #\d+:\d+[^:]*: Video: .*/.exec(stderr)?.[0];
  if (!streamLine) return undefined;
  const codec = /Video: ([\w-]+)/.exec(streamLine)?.[1] ?? 'unknown';
  const size = /, (\d{1,6})x(\d{1,6})[,\s]/.exec(streamLine);
  const container = /Input #\d+, ([^,]+(?:,[^,\s]+)*), from/.exec(stderr)?.[1] ?? 'unknown';
  const rotation = parseRotation(stderr);
  const storedWidth = size ? Number(size[1]) : 0;
  const storedHeight = size ? Number(size[2]) : 0;
  const swap = rotation === 90 || rotation === 270;
  const isImage = IMAGE_CODECS.has(codec) && IMAGE_DEMUXERS.test(container);
  const fps = parseFps(streamLine);
  const durationSec = parseDuration(stderr);
  const frameCountEstimate = isImage
    ? 1
    : durationSec !== undefined && fps !== undefined
      ? Math.round(durationSec * fps)
      : undefined;
  return {
    durationSec,
    fps,
    width: swap ? storedHeight : storedWidth,
    height: swap ? storedWidth : storedHeight,
    codec,
    container,
    frameCountEstimate,
    rotation,
    isImage,
  };
}

/** Checks that a local file exists and is not empty, with an error naming it otherwise. */
export function checkLocalFile(path: string): void {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new IngestError('not-media', path, 'not a regular file');
    size = stat.size;
  } catch (error) {
    if (error instanceof IngestError) throw error;
    throw new IngestError('not-found', path, 'file not found');
  }
  if (size === 0) throw new IngestError('empty-file', path, 'file is empty (0 bytes)');
}

/** Reads a file's metadata with `ffmpeg -i`; throws an IngestError naming the file and problem. */
export async function probeVideo(path: string, options: ProbeOptions): Promise<VideoMetadata> {
  const isPattern = options.inputArgs?.includes('image2') ?? false;
  if (!isPattern) checkLocalFile(path);
  // All lines, not just the tail: files with long metadata push the stream lines far up.
  const lines: string[] = [];
  const proc = new FfmpegProcess({
    ffmpegPath: options.ffmpegPath,
    args: [
      '-hide_banner',
      '-nostdin',
      ...(options.inputArgs ?? []),
      '-i',
      isPattern ? path : asLocalFile(path),
    ],
    onStderrLine: (line) => {
      if (lines.length < MAX_PROBE_LINES) lines.push(line);
    },
  });
  const timeoutMs = options.timeoutMs ?? 20_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.kill();
  }, timeoutMs);
  const onAbort = () => void proc.kill();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const exit = await proc.exited;
    if (exit.spawnError) throw spawnFailure(options.ffmpegPath, exit.spawnError);
    if (options.signal?.aborted) throw new IngestError('aborted', path, 'cancelled');
    if (timedOut)
      throw new IngestError(
        'timeout',
        path,
        `ffmpeg did not finish reading the header within ${timeoutMs} ms`,
      );
    const stderr = lines;
    const metadata = parseFfmpegInfo(stderr.join('\n'));
    const unknownTag = /Video: none \(([^/)]+?)\s*\//.exec(stderr.join('\n'))?.[1];
    if (metadata?.codec === 'none') {
      throw new IngestError(
        'unsupported-codec',
        path,
        `unsupported codec: ffmpeg has no decoder for the video codec tagged '${unknownTag ?? 'unknown'}'`,
      );
    }
    if (metadata && metadata.width > 0 && metadata.height > 0) {
      return isPattern ? { ...metadata, isImage: false, frameCountEstimate: undefined } : metadata;
    }
    if (stderr.some((line) => /Input #\d/.test(line)) && !metadata) {
      throw new IngestError('not-media', path, 'has no video stream');
    }
    throw classifyFailure(path, stderr, isPattern ? undefined : path);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
