// Extracts one frame of a video as JPEG for the answers view's thumbnails and for "show this
// frame". Runs ffmpeg as a child process; plain Node, tested with the real binary.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

/** vlm.ffmpegPath, then FFMPEG_PATH, then the binary shipped by @ffmpeg-installer, then PATH. */
export function findFfmpeg(setting: string, env: NodeJS.ProcessEnv = process.env): string {
  if (setting) return setting;
  if (env.FFMPEG_PATH) return env.FFMPEG_PATH;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const installed = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    if (existsSync(installed)) return installed;
  } catch {
    // not installed: fall through to PATH
  }
  return 'ffmpeg';
}

export interface FrameRequest {
  ffmpeg: string;
  video: string;
  timeSec: number;
  /** Output width in pixels; height keeps the aspect ratio. Omit for full size. */
  width?: number;
}

/** The frame at timeSec as JPEG bytes; rejects with ffmpeg's last error line. */
export function extractFrame(req: FrameRequest, timeoutMs = 15_000): Promise<Buffer> {
  const scale = req.width ? ['-vf', `scale=${Math.round(req.width)}:-2`] : [];
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-ss',
    Math.max(0, req.timeSec).toFixed(3),
    '-i',
    req.video,
    '-frames:v',
    '1',
    ...scale,
    '-q:v',
    '4',
    '-f',
    'image2pipe',
    '-vcodec',
    'mjpeg',
    'pipe:1',
  ];
  return new Promise((resolve, reject) => {
    execFile(
      req.ffmpeg,
      args,
      { encoding: 'buffer', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error || stdout.length === 0) {
          const detail =
            stderr.toString().trim().split('\n').pop() || error?.message || 'no frame at that time';
          reject(
            new Error(
              `cannot extract the frame at ${req.timeSec.toFixed(2)} s of ${req.video}: ${detail}`,
            ),
          );
          return;
        }
        resolve(stdout);
      },
    );
  });
}
