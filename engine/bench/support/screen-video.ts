// Generates synthetic screen recordings for the benchmarks: a mostly static "terminal"
// whose text changes every few seconds, encoded at 1 fps with ffmpeg. Frames are drawn as
// raw RGB here (no fonts needed) and piped to ffmpeg, which repeats each screen until the
// next change, so an hour-long recording costs one screen per change, not 3,600 renders.
import { spawn } from 'node:child_process';
import { resolveFfmpeg } from '../../ingest';

export interface ScreenVideoOptions {
  minutes: number;
  /** Seconds between text changes (the screen is static in between). */
  changeEverySec: number;
  width?: number;
  height?: number;
}

const CELL_W = 6;
const CELL_H = 12;

/** Writes an H.264 MP4 at 1 fps to `path`; resolves with the number of distinct screens. */
export async function generateScreenRecording(
  path: string,
  options: ScreenVideoOptions,
  signal?: AbortSignal,
): Promise<number> {
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const seconds = Math.round(options.minutes * 60);
  const screens = Math.ceil(seconds / options.changeEverySec);
  const ffmpeg = resolveFfmpeg().path;
  const args = [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`],
    ...['-framerate', `1/${options.changeEverySec}`, '-i', 'pipe:0'],
    ...['-r', '1', '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast'],
    ...['-pix_fmt', 'yuv420p', '-g', '60', path],
  ];
  const child = spawn(ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'], signal });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`ffmpeg could not write ${path} (exit ${code}): ${stderr.trim()}`)),
    );
  });
  const lines = terminalLines(height);
  for (let s = 0; s < screens; s++) {
    const frame = renderScreen(width, height, lines, s);
    if (!child.stdin.write(frame))
      await new Promise<void>((resolve) => child.stdin.once('drain', () => resolve()));
  }
  child.stdin.end();
  await done;
  return screens;
}

function terminalLines(height: number): number {
  return Math.floor((height - 24) / CELL_H);
}

/** Screen `s`: a title bar, a prompt and log lines; line (s mod rows) is rewritten each change. */
function renderScreen(width: number, height: number, rows: number, s: number): Buffer {
  const rgb = Buffer.alloc(width * height * 3);
  fillRect(rgb, width, 0, 0, width, height, [30, 32, 38]);
  fillRect(rgb, width, 0, 0, width, 20, [60, 64, 78]);
  drawText(rgb, width, 8, 4, `build-and-test  ${clock(s)}`, [230, 230, 230]);
  for (let row = 0; row < rows; row++) {
    // Each row shows the latest change that landed on it: older rows keep their text.
    const version = s - ((((s - row) % rows) + rows) % rows);
    const text =
      version < 0
        ? '$'
        : `$ step ${version}: compile module_${(version * 37) % 101} ... ${version % 7 === 0 ? 'ERROR E' + version : 'ok'}`;
    const color: [number, number, number] =
      version >= 0 && version % 7 === 0 ? [240, 90, 80] : [170, 220, 170];
    drawText(rgb, width, 8, 24 + row * CELL_H, text, color);
  }
  return rgb;
}

function clock(screen: number): string {
  return `#${screen.toString().padStart(4, '0')}`;
}

function fillRect(
  rgb: Buffer,
  width: number,
  x0: number,
  y0: number,
  w: number,
  h: number,
  color: [number, number, number],
): void {
  for (let y = y0; y < y0 + h; y++)
    for (let x = x0; x < Math.min(width, x0 + w); x++) {
      const i = (y * width + x) * 3;
      rgb[i] = color[0];
      rgb[i + 1] = color[1];
      rgb[i + 2] = color[2];
    }
}

/** Glyph-like 5x8 bitmaps derived from the character code: text-shaped pixels without fonts. */
function drawText(
  rgb: Buffer,
  width: number,
  x0: number,
  y0: number,
  text: string,
  color: [number, number, number],
): void {
  for (let c = 0; c < text.length; c++) {
    const code = text.charCodeAt(c);
    if (code === 32) continue;
    const x = x0 + c * CELL_W;
    if (x + 5 >= width) break;
    let bits = Math.imul(code, 2654435761) >>> 0;
    for (let gy = 0; gy < 8; gy++)
      for (let gx = 0; gx < 5; gx++) {
        if (((bits >>> (gy * 5 + gx) % 32) & 1) === 0) continue;
        const i = ((y0 + gy) * width + x + gx) * 3;
        rgb[i] = color[0];
        rgb[i + 1] = color[1];
        rgb[i + 2] = color[2];
      }
    bits ^= code;
  }
}
