// The size of an X screen, for x11grab: ffmpeg 4.1's x11grab captures 640x480 unless told
// the size, and there may be no xdpyinfo to ask. Asking x11grab for an impossibly large
// area makes it print "outside the screen size WxH", which is the answer.
import { existsSync } from 'node:fs';
import { IngestError } from './errors';
import { explainingLine } from './ffmpeg-failure';
import { FfmpegProcess, spawnFailure } from './ffmpeg-process';

const OUTSIDE = /outside the screen size (\d+)x(\d+)/;

/** A local display (`:N`) needs its socket; ffmpeg 4.1's x11grab crashes without a server. */
function checkLocalDisplay(display: string): void {
  const local = /^(?:unix)?:(\d+)(?:\.\d+)?$/.exec(display);
  if (local && !existsSync(`/tmp/.X11-unix/X${local[1]}`)) {
    throw new IngestError(
      'unavailable',
      `screen ${display}`,
      `no X server on display ${display} (/tmp/.X11-unix/X${local[1]} does not exist); set DISPLAY or the source's display`,
    );
  }
}

export async function x11ScreenSize(
  ffmpegPath: string,
  display: string,
  timeoutMs = 10_000,
): Promise<{ width: number; height: number }> {
  checkLocalDisplay(display);
  const proc = new FfmpegProcess({
    ffmpegPath,
    args: [
      '-hide_banner',
      '-nostdin',
      '-f',
      'x11grab',
      '-video_size',
      '30000x30000',
      '-i',
      display,
      '-frames:v',
      '1',
      '-f',
      'null',
      '-',
    ],
  });
  const timer = setTimeout(() => void proc.kill(), timeoutMs);
  try {
    const exit = await proc.exited;
    if (exit.spawnError) throw spawnFailure(ffmpegPath, exit.spawnError);
    const match = proc
      .stderrTail()
      .map((line) => OUTSIDE.exec(line))
      .find(Boolean);
    if (match) return { width: Number(match[1]), height: Number(match[2]) };
    const why = exit.signal
      ? `ffmpeg crashed with ${exit.signal}`
      : `ffmpeg: ${explainingLine(proc.stderrTail())}`;
    throw new IngestError(
      'unavailable',
      `screen ${display}`,
      `cannot open X display ${display} (${why})`,
    );
  } finally {
    clearTimeout(timer);
  }
}
