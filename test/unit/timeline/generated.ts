// Generated recordings whose events are known to the frame: a toast drawn at a known
// frame, a command typed one character per frame, and a hard cut between two clips.
// Frames are SVG drawn by sharp, encoded to H.264 by the bundled ffmpeg.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { resolveFfmpeg } from '../../../engine/ingest';

export const FPS = 4;
export const WIDTH = 640;
export const HEIGHT = 360;

const text = (x: number, y: number, value: string, fill = '#d4d4d4', size = 20) =>
  `<text x="${x}" y="${y}" font-family="DejaVu Sans Mono" font-size="${size}" fill="${fill}">${value}</text>`;
const svg = (body: string, background = '#1e1e1e') =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">` +
  `<rect width="${WIDTH}" height="${HEIGHT}" fill="${background}"/>${body}</svg>`;

export const TOAST = { frame: 7, frames: 14, text: 'Hello World!' };

/** A terminal; from TOAST.frame on, a notification in the bottom-right corner. */
export function toastFrame(i: number): string {
  const toast =
    i >= TOAST.frame
      ? `<rect x="370" y="270" width="250" height="70" rx="6" fill="#3c3c3c" stroke="#007acc"/>` +
        text(390, 300, 'Notification', '#9cdcfe', 16) +
        text(390, 326, TOAST.text, '#ffffff', 18)
      : '';
  return svg(text(24, 48, '$ npm run dev') + text(24, 84, 'Server listening on port 3000') + toast);
}

export const TYPING = {
  prompt: 'user@host:~$ ',
  command: 'git status',
  startFrame: 4,
  holdFrames: 3,
};

/** A prompt; from TYPING.startFrame on, one more character of the command per frame. */
export function typingFrame(i: number): string {
  const typed = TYPING.command.slice(0, Math.max(0, i - TYPING.startFrame + 1));
  return svg(text(24, 48, 'Last login: Mon Dec 1 09:00') + text(24, 84, TYPING.prompt + typed));
}
export const typingFrames = () => TYPING.startFrame + TYPING.command.length + TYPING.holdFrames;

export const CUT = { frame: 8, frames: 16 };

/** Two clips: a blue scene with a drifting ball, then a warm one; the cut at CUT.frame. */
export function cutFrame(i: number): string {
  if (i < CUT.frame)
    return svg(
      `<rect y="240" width="${WIDTH}" height="120" fill="#2e7d32"/>` +
        `<circle cx="${120 + i * 12}" cy="180" r="40" fill="#ffffff"/>`,
      '#1565c0',
    );
  return svg(
    `<rect x="200" y="60" width="240" height="240" fill="#6d4c41"/>` +
      `<circle cx="${500 - (i - CUT.frame) * 10}" cy="120" r="50" fill="#ffeb3b"/>`,
    '#ef6c00',
  );
}

/** Renders `count` frames at FPS into an MP4 in a temp folder; returns its path. */
export async function makeVideo(name: string, count: number, frame: (i: number) => string) {
  const dir = mkdtempSync(join(tmpdir(), `vlm-timeline-${name}-`));
  for (let i = 0; i < count; i++)
    writeFileSync(
      join(dir, `f-${String(i).padStart(3, '0')}.png`),
      await sharp(Buffer.from(frame(i)))
        .png()
        .toBuffer(),
    );
  const out = join(dir, `${name}.mp4`);
  execFileSync(resolveFfmpeg().path, [
    ...['-hide_banner', '-loglevel', 'error', '-framerate', String(FPS)],
    ...['-i', join(dir, 'f-%03d.png'), '-c:v', 'libx264', '-pix_fmt', 'yuv420p'],
    ...['-r', String(FPS), out],
  ]);
  return out;
}
