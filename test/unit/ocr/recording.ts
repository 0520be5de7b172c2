// A generated screen recording whose text and timing are known: a terminal-like screen
// that shows "Build started" and, from TYPE_ERROR_AT_SEC on, a TypeError line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { resolveFfmpeg } from '../../../engine/ingest';

export const RECORDING_FPS = 2;
export const RECORDING_SECONDS = 5;
export const TYPE_ERROR_AT_SEC = 3;
export const ERROR_TEXT = "TypeError: cannot read property 'name' of undefined";

function frameSvg(showError: boolean): string {
  const line = (y: number, text: string, fill = '#d4d4d4') =>
    `<text x="24" y="${y}" font-family="DejaVu Sans Mono" font-size="20" fill="${fill}">${text}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360">
    <rect width="640" height="360" fill="#1e1e1e"/>
    ${line(48, '$ npm run build')}
    ${line(84, 'Build started')}
    ${showError ? line(120, ERROR_TEXT.replace(/'/g, '&apos;'), '#f48771') : ''}
  </svg>`;
}

/** Writes the recording as an H.264 MP4 in a temp folder and returns its path. */
export async function generateRecording(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'vlm-ocr-recording-'));
  const count = RECORDING_FPS * RECORDING_SECONDS;
  for (let i = 0; i < count; i++) {
    const png = await sharp(Buffer.from(frameSvg(i / RECORDING_FPS >= TYPE_ERROR_AT_SEC)))
      .png()
      .toBuffer();
    writeFileSync(join(dir, `frame-${String(i).padStart(3, '0')}.png`), png);
  }
  const out = join(dir, 'recording.mp4');
  execFileSync(resolveFfmpeg().path, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-framerate',
    String(RECORDING_FPS),
    '-i',
    join(dir, 'frame-%03d.png'),
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    '-r',
    String(RECORDING_FPS),
    out,
  ]);
  return out;
}
