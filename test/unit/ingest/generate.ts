// Test fixtures made on the spot: frames rendered with sharp from SVG text, encoded with
// the real ffmpeg, so each test knows exactly which frame shows which text.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { resolveFfmpeg } from '../../../engine/ingest/ffmpeg-path';

export const ffmpegPath = resolveFfmpeg().path;

const created: string[] = [];
process.once('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the test process exits. */
export function tempDir(prefix = 'vlm-ingest-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Runs ffmpeg to completion; throws with its stderr when it fails. */
export function ffmpeg(args: string[]): void {
  const result = spawnSync(ffmpegPath, ['-hide_banner', '-nostdin', '-y', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0)
    throw new Error(`ffmpeg ${args.join(' ')} failed:\n${result.stderr.slice(-2000)}`);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A dark editor-like screen with monospace lines of text, as PNG. */
export async function renderScreen(lines: string[], width = 640, height = 360): Promise<Buffer> {
  const text = lines
    .map(
      (line, i) =>
        `<text x="16" y="${32 + i * 20}" font-family="DejaVu Sans Mono, monospace" font-size="14" fill="#d4d4d4">${escapeXml(line)}</text>`,
    )
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="100%" height="100%" fill="#1e1e1e"/><rect y="${height - 22}" width="100%" height="22" fill="#007acc"/>${text}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export interface ScreenRecording {
  path: string;
  fps: number;
  frameCount: number;
  /** Frame indices where the text on screen changes (frame 0 excluded). */
  changeFrames: number[];
}

/** The base text of the generated screen; each state changes a few characters of it. */
const BASE = [
  'function total(items) {',
  '  return items.reduce((sum, item) => sum + item.price, 0);',
  '}',
  '',
  '// Total: 41 items',
  'const status = "saved";',
];

/** Screen states: each differs from the one before in a few characters only. */
const STATES: string[][] = [
  BASE,
  BASE.map((l) => l.replace('41 items', '42 items')),
  BASE.map((l) => l.replace('41 items', '42 items').replace('"saved"', '"dirty"')),
  BASE.map((l) =>
    l.replace('41 items', '42 items').replace('"saved"', '"dirty"').replace('sum +', 'sum -'),
  ),
  BASE.map((l) => l.replace('41 items', '42 items').replace('"saved"', '"dirty";')),
];

/**
 * A mostly static screen recording: `frameCount` frames at `fps`, the text changing by a
 * few characters at each of `changeFrames`. Encoded as H.264 in `container` (mp4, mkv…).
 */
export async function makeScreenRecording(
  dir: string,
  options: {
    fps?: number;
    frameCount?: number;
    changeFrames?: number[];
    container?: string;
    width?: number;
    height?: number;
  } = {},
): Promise<ScreenRecording> {
  const fps = options.fps ?? 10;
  const frameCount = options.frameCount ?? 60;
  const changeFrames = options.changeFrames ?? [12, 25, 37, 50];
  const states = await Promise.all(
    STATES.map((s) => renderScreen(s, options.width, options.height)),
  );
  const framesDir = join(dir, `frames-${Math.random().toString(36).slice(2)}`);
  mkdirSync(framesDir);
  let state = 0;
  for (let i = 0; i < frameCount; i++) {
    if (changeFrames.includes(i)) state = (state + 1) % states.length;
    writeFileSync(join(framesDir, `${String(i).padStart(5, '0')}.png`), states[state]!);
  }
  const path = join(dir, `screen.${options.container ?? 'mp4'}`);
  ffmpeg([
    '-framerate',
    String(fps),
    '-i',
    join(framesDir, '%05d.png'),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '23',
    '-pix_fmt',
    'yuv420p',
    path,
  ]);
  return { path, fps, frameCount, changeFrames };
}

/** A test-pattern video: `seconds` long at `fps`, via lavfi (no files needed). */
export function makeTestVideo(
  path: string,
  args: { seconds: number; fps: number; size?: string; codec?: string[] },
): string {
  const size = args.size ?? '160x120';
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${size}:rate=${args.fps}`,
    '-t',
    String(args.seconds),
    ...(args.codec ?? ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']),
    path,
  ]);
  return path;
}
