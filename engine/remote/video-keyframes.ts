// Keyframes for the remote server straight from a video file: one still per time, the
// times being those of the evidence retrieval chose. The stream keeps KV blocks, not
// pixels, so the frames are decoded again here, each by a short ffmpeg seek.
import { execFile } from 'node:child_process';
import { resolveFfmpeg } from '../ingest/ffmpeg-path';
import type { Keyframe } from './keyframes';

export interface ExtractOptions {
  /** Longer side of each still, in pixels (the remote encoder downscales again if needed). */
  maxSide?: number;
  /** The vlm.ffmpegPath setting, if any. */
  ffmpegPath?: string;
  signal?: AbortSignal;
  /** On-screen text per time (same order as `times`), carried into the keyframes. */
  texts?: (string | undefined)[];
}

/** One PNG still per time (seconds); fails naming the file and the time it cannot read. */
export async function extractKeyframes(
  videoPath: string,
  times: number[],
  options: ExtractOptions = {},
): Promise<Keyframe[]> {
  const ffmpeg = resolveFfmpeg(options.ffmpegPath).path;
  const maxSide = options.maxSide ?? 1024;
  const keyframes: Keyframe[] = [];
  for (const [i, time] of times.entries()) {
    if (!(time >= 0))
      throw new Error(`keyframe time ${time} is not a non-negative number of seconds`);
    const png = await stillAt(ffmpeg, videoPath, time, maxSide, options.signal);
    keyframes.push({
      timeSec: time,
      image: { kind: 'encoded', bytes: png, mediaType: 'image/png' },
      text: options.texts?.[i],
    });
  }
  return keyframes;
}

function stillAt(
  ffmpeg: string,
  videoPath: string,
  time: number,
  maxSide: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  const scale = `scale='min(iw,${maxSide})':'min(ih,${maxSide})':force_original_aspect_ratio=decrease`;
  // -ss before -i seeks to the nearest keyframe, then decodes up to `time` exactly.
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-ss',
    time.toFixed(3),
    '-i',
    videoPath,
  ];
  args.push('-frames:v', '1', '-vf', scale, '-f', 'image2pipe', '-c:v', 'png', '-');
  return new Promise((resolve, reject) => {
    execFile(
      ffmpeg,
      args,
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, signal },
      (error, stdout, stderr) => {
        if (signal?.aborted) return reject(signal.reason);
        const reason = stderr.toString().trim().split('\n').pop();
        if (error)
          return reject(
            new Error(
              `cannot read a frame of ${videoPath} at ${time} s: ${reason || error.message}`,
            ),
          );
        if (stdout.length === 0)
          return reject(
            new Error(`no frame in ${videoPath} at ${time} s (past the end of the video?)`),
          );
        resolve(stdout);
      },
    );
  });
}
