// The frame stepper's frames: a video the webview cannot play is decoded once with ffmpeg
// into JPEGs under the extension's own storage (never the user's cache folder, so no file
// picker or editor ever points there). Written to a temporary folder, then renamed, so a
// half-finished extraction is never reused. Plain Node, tested with the real binary.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parseFfmpegDuration, stepperFps } from './timeline';

export interface StepperFrames {
  dir: string;
  /** JPEG file names in time order: frame i was taken at i / fps seconds. */
  files: string[];
  fps: number;
  durationSec: number;
}

const DONE = 'frames.json';

/** The folder for one video's frames: named by path, size and modification time, so an edited file is decoded again. */
export function framesFolder(root: string, video: string): string {
  const s = statSync(video);
  const id = createHash('sha256').update(`${video}\0${s.size}\0${s.mtimeMs}`).digest('hex');
  return join(root, id.slice(0, 16));
}

/** Videos whose frames are kept; older ones are deleted when a new one is decoded. */
export const KEEP_VIDEOS = 16;

export async function extractStepperFrames(
  ffmpeg: string,
  video: string,
  root: string,
  maxFrames = 240,
  keepVideos = KEEP_VIDEOS,
): Promise<StepperFrames> {
  const dir = framesFolder(root, video);
  const done = readDone(dir);
  if (done) return done;
  const durationSec = await probeDuration(ffmpeg, video);
  const fps = stepperFps(durationSec, maxFrames);
  const tmp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
  mkdirSync(tmp, { recursive: true });
  try {
    await run(ffmpeg, video, [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      video,
      '-vf',
      `fps=${fps.toFixed(6)},scale='min(1280,iw)':-2`,
      '-frames:v',
      String(maxFrames),
      '-q:v',
      '5',
      join(tmp, '%05d.jpg'),
    ]);
    const files = readdirSync(tmp)
      .filter((f) => f.endsWith('.jpg'))
      .sort();
    if (files.length === 0) throw new Error(`ffmpeg decoded no frames from ${video}`);
    writeFileSync(join(tmp, DONE), JSON.stringify({ files, fps, durationSec }));
    try {
      renameSync(tmp, dir);
    } catch {
      // another view finished the same video first: use its frames
      rmSync(tmp, { recursive: true, force: true });
    }
    prune(root, dir, keepVideos);
    return readDone(dir) ?? { dir, files, fps, durationSec };
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** Deletes the least recently decoded videos' frames beyond `keep`, never `current`'s. */
function prune(root: string, current: string, keep: number): void {
  const folders = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.includes('.tmp-'))
    .map((d) => join(root, d.name))
    .filter((d) => d !== current)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const old of folders.slice(Math.max(0, keep - 1)))
    rmSync(old, { recursive: true, force: true });
}

function readDone(dir: string): StepperFrames | undefined {
  const file = join(dir, DONE);
  if (!existsSync(file)) return undefined;
  try {
    const { files, fps, durationSec } = JSON.parse(readFileSync(file, 'utf8')) as StepperFrames;
    if (!Array.isArray(files) || files.length === 0 || !(fps > 0)) return undefined;
    return { dir, files, fps, durationSec };
  } catch {
    return undefined;
  }
}

/**
 * ffmpeg -i with no output exits with an error but prints the input's duration first; where
 * the header has none (GIF), a stream-copy pass to nowhere (fast: nothing is decoded)
 * prints how far it got.
 */
async function probeDuration(ffmpeg: string, video: string): Promise<number> {
  const header = parseFfmpegDuration(await stderrOf(ffmpeg, ['-hide_banner', '-i', video]));
  if (header !== undefined) return header;
  const copyArgs = ['-hide_banner', '-i', video, '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-'];
  // A live capture has neither: sample at the full rate and let the frame cap bound it.
  return parseFfmpegDuration(await stderrOf(ffmpeg, copyArgs)) ?? 0;
}

function stderrOf(ffmpeg: string, args: string[]): Promise<string> {
  return new Promise((resolve) =>
    execFile(ffmpeg, args, { timeout: 15_000 }, (_e, _o, err) => resolve(String(err))),
  );
}

function run(ffmpeg: string, video: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(ffmpeg, args, { timeout: 120_000 }, (error, _out, stderr) => {
      if (!error) return resolve();
      const detail = String(stderr).trim().split('\n').pop() || error.message;
      reject(new Error(`cannot decode the frames of ${video}: ${detail}`));
    }),
  );
}
