// Valid seed media, one per supported format, made from tiny generated frames with sharp and
// the bundled ffmpeg. The corpus damages copies of these; nothing binary is committed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import sharp from 'sharp';

export const SEED_WIDTH = 64;
export const SEED_HEIGHT = 48;

/** A seed: its format's short name, the extension its files get, and whether it moves. */
export interface Seed {
  format: string;
  ext: string;
  video: boolean;
  bytes: Buffer;
}

/** A deterministic RGB pattern: diagonal stripes whose phase moves with `frame`. */
function pattern(frame: number): Buffer {
  const pixels = Buffer.alloc(SEED_WIDTH * SEED_HEIGHT * 3);
  for (let y = 0; y < SEED_HEIGHT; y++)
    for (let x = 0; x < SEED_WIDTH; x++) {
      const at = (y * SEED_WIDTH + x) * 3;
      const on = ((x + y + frame * 8) >> 3) % 2 === 0;
      pixels[at] = on ? 230 : 20;
      pixels[at + 1] = (x * 4) & 255;
      pixels[at + 2] = (y * 5 + frame * 40) & 255;
    }
  return pixels;
}

const still = () =>
  sharp(pattern(0), { raw: { width: SEED_WIDTH, height: SEED_HEIGHT, channels: 3 } });

/** Runs the bundled ffmpeg on a generated test source and returns the file it wrote. */
function ffmpeg(dir: string, name: string, output: string[]): Buffer {
  const out = join(dir, name);
  const source = `testsrc2=size=${SEED_WIDTH}x${SEED_HEIGHT}:rate=4:duration=2`;
  execFileSync(
    ffmpegInstaller.path,
    ['-v', 'error', '-y', '-f', 'lavfi', '-i', source, '-fflags', '+bitexact', ...output, out],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return readFileSync(out);
}

/** Every seed; `scratch` is a folder for ffmpeg's output files. */
export async function makeSeeds(scratch: string): Promise<Seed[]> {
  const animatedGif = ffmpeg(scratch, 'a.gif', ['-f', 'gif']);
  const animatedWebp = await sharp(animatedGif, { animated: true }).webp().toBuffer();
  const h264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  return [
    { format: 'png', ext: '.png', video: false, bytes: await still().png().toBuffer() },
    { format: 'jpeg', ext: '.jpg', video: false, bytes: await still().jpeg().toBuffer() },
    { format: 'webp', ext: '.webp', video: false, bytes: await still().webp().toBuffer() },
    { format: 'gif', ext: '.gif', video: false, bytes: await still().gif().toBuffer() },
    { format: 'animated-gif', ext: '.gif', video: true, bytes: animatedGif },
    {
      format: 'apng',
      ext: '.apng',
      video: true,
      bytes: ffmpeg(scratch, 'a.apng', ['-f', 'apng', '-plays', '0']),
    },
    { format: 'animated-webp', ext: '.webp', video: true, bytes: animatedWebp },
    { format: 'mp4', ext: '.mp4', video: true, bytes: ffmpeg(scratch, 'v.mp4', h264) },
    {
      format: 'webm',
      ext: '.webm',
      video: true,
      bytes: ffmpeg(scratch, 'v.webm', ['-c:v', 'libvpx', '-b:v', '200k']),
    },
    { format: 'mkv', ext: '.mkv', video: true, bytes: ffmpeg(scratch, 'v.mkv', h264) },
    { format: 'mov', ext: '.mov', video: true, bytes: ffmpeg(scratch, 'v.mov', h264) },
    {
      format: 'avi',
      ext: '.avi',
      video: true,
      bytes: ffmpeg(scratch, 'v.avi', ['-c:v', 'mjpeg', '-q:v', '5']),
    },
  ];
}
