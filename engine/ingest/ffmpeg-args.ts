// Builds ffmpeg's argument array for a source (per platform for screens and cameras) and
// the output side every decode shares: sampling, scaling, raw RGB on stdout, and a
// `showinfo` line per frame on stderr that carries the frame's timestamp and size.
import type { CameraSource, ScreenSource, SourceSpec, UrlSource } from './types';

export interface OutputOptions {
  /** Sample at this many frames per second (ffmpeg's fps filter); native rate when absent. */
  fps?: number;
  /** Scale down (never up) to fit, keeping the aspect ratio, with even dimensions. */
  maxWidth?: number;
  maxHeight?: number;
  /** Seek here before decoding (seekable sources only). */
  startSec?: number;
  /** Stop here (exclusive). */
  endSec?: number;
}

const DEFAULT_SCREEN_FPS = 5;
/** Network read timeout: ffmpeg gives up on a silent connection after this long. */
const NETWORK_TIMEOUT_US = '10000000';

function screenArgs(
  source: ScreenSource,
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
): string[] {
  const fps = String(source.framerate ?? DEFAULT_SCREEN_FPS);
  const cursor = source.showCursor === false ? '0' : '1';
  const region = source.region;
  const size = region ? ['-video_size', `${region.width}x${region.height}`] : [];
  if (platform === 'win32') {
    const offset = region ? ['-offset_x', String(region.x), '-offset_y', String(region.y)] : [];
    return [
      '-f',
      'gdigrab',
      '-framerate',
      fps,
      '-draw_mouse',
      cursor,
      ...offset,
      ...size,
      '-i',
      'desktop',
    ];
  }
  if (platform === 'darwin') {
    // avfoundation captures whole screens; a region is cropped in the filter chain.
    return [
      '-f',
      'avfoundation',
      '-framerate',
      fps,
      '-capture_cursor',
      cursor,
      '-i',
      `${source.display ?? '1'}:none`,
    ];
  }
  const display = source.display ?? env.DISPLAY ?? ':0';
  const origin = region ? `+${region.x},${region.y}` : '';
  return [
    '-f',
    'x11grab',
    '-framerate',
    fps,
    '-draw_mouse',
    cursor,
    ...size,
    '-i',
    `${display}${origin}`,
  ];
}

function cameraArgs(source: CameraSource, platform: NodeJS.Platform): string[] {
  const options = [
    ...(source.framerate ? ['-framerate', String(source.framerate)] : []),
    ...(source.width && source.height ? ['-video_size', `${source.width}x${source.height}`] : []),
  ];
  if (platform === 'win32')
    return ['-f', 'dshow', ...options, '-i', `video=${source.device ?? 'default'}`];
  if (platform === 'darwin')
    return ['-f', 'avfoundation', ...options, '-i', `${source.device ?? '0'}:none`];
  return ['-f', 'v4l2', ...options, '-i', source.device ?? '/dev/video0'];
}

function urlArgs(source: UrlSource): string[] {
  const protocol = /^([a-z][a-z0-9+.-]*):/i.exec(source.url)?.[1]?.toLowerCase();
  if (protocol === 'rtsp' || protocol === 'rtsps') {
    return [
      '-rtsp_transport',
      source.rtspTransport ?? 'tcp',
      '-stimeout',
      NETWORK_TIMEOUT_US,
      '-i',
      source.url,
    ];
  }
  return ['-rw_timeout', NETWORK_TIMEOUT_US, '-i', source.url];
}

/**
 * `file:` in front of a local path, so ffmpeg never reads a file name as a protocol or
 * option (`concat:…`, `http://…`, `pipe:0`, a leading `-`).
 */
export function asLocalFile(path: string): string {
  return `file:${path}`;
}

/** Input-side arguments (everything up to and including `-i …`). */
export function inputArgs(
  source: SourceSpec,
  output: OutputOptions = {},
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const seek = output.startSec ? ['-ss', String(output.startSec)] : [];
  switch (source.kind) {
    case 'file':
      return [...seek, '-i', asLocalFile(source.path)];
    case 'image-sequence':
      return [
        ...seek,
        '-f',
        'image2',
        '-framerate',
        String(source.framerate ?? 1),
        '-i',
        source.pattern,
      ];
    case 'growing-file':
      // Fed through stdin by a follower that knows when the writer has stopped. A short
      // probe lets the first frames out while the recording is still small.
      return ['-probesize', '65536', '-analyzeduration', '200000', '-i', 'pipe:0'];
    case 'screen':
      return screenArgs(source, platform, env);
    case 'camera':
      return cameraArgs(source, platform);
    case 'url':
      return urlArgs(source);
  }
}

/** Input options (before `-i`) for reading a file's header: no seek, no capture device. */
export function probeInputOptions(source: SourceSpec): string[] {
  return source.kind === 'image-sequence'
    ? ['-f', 'image2', '-framerate', String(source.framerate ?? 1)]
    : [];
}

/**
 * Sample k is the frame on screen k/fps after the video's first frame. The fps filter's
 * default rounding (`near`) gave tick k the last frame before (k + 1/2)/fps, so the first
 * frame was never delivered and each sample showed a frame up to half a sample later than
 * its time. `round=up` gives tick k the last frame at or before k/fps; `setpts` first makes
 * the video start at 0, or a video starting after the file does (a camera clip's, 0.008 s
 * after its audio) would round its first frame up to tick 1 and lose tick 0 instead. Also
 * without fps, so sampled and unsampled decodes time frames alike.
 */
function samplingFilters(fps: number | undefined): string[] {
  const fromFirstFrame = 'setpts=PTS-STARTPTS';
  return fps ? [fromFirstFrame, `fps=fps=${fps}:round=up`] : [fromFirstFrame];
}

/**
 * The filter chain. Scaling uses one factor for both sides, so the aspect ratio is kept,
 * and rounds down to even sizes; frames that already fit pass through unscaled.
 */
export function filterChain(
  source: SourceSpec,
  output: OutputOptions,
  platform: NodeJS.Platform = process.platform,
): string {
  const filters: string[] = [];
  if (source.kind === 'screen' && source.region && platform === 'darwin') {
    const r = source.region;
    filters.push(`crop=${r.width}:${r.height}:${r.x}:${r.y}`);
  }
  filters.push(...samplingFilters(output.fps));
  if (output.maxWidth || output.maxHeight) {
    const maxW = output.maxWidth ?? 1e6;
    const maxH = output.maxHeight ?? 1e6;
    const fits = `lte(iw,${maxW})*lte(ih,${maxH})`;
    const factor = `min(${maxW}/iw,${maxH}/ih)`;
    filters.push(
      `scale=w='if(${fits},iw,2*trunc(iw*${factor}/2))':h='if(${fits},ih,2*trunc(ih*${factor}/2))'`,
    );
  }
  // showinfo last, after the conversion to rgb24, so the size it reports is what we read.
  filters.push('format=rgb24', 'showinfo');
  return filters.join(',');
}

/** The complete argument array for a decode. */
export function decodeArgs(
  source: SourceSpec,
  output: OutputOptions = {},
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const seekable = source.kind === 'file' || source.kind === 'image-sequence';
  const start = seekable ? (output.startSec ?? 0) : 0;
  const limit =
    output.endSec !== undefined ? ['-t', String(Math.max(0, output.endSec - start))] : [];
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    ...inputArgs(source, seekable ? output : {}, platform, env),
    ...limit,
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    filterChain(source, output, platform),
    '-vsync',
    'passthrough',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
}
