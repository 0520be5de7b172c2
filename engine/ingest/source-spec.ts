// Source specs from one line of text, as the CLI and the editor take them:
//   path/to/video.mp4 | file:///abs/path.mkv   a file
//   growing:path/to/recording.mkv              a file still being written
//   frames/%04d.png                            an image sequence (1 fps; `@5` after it for 5 fps)
//   screen | screen::1 | screen::0.0+100,200@640x480   the screen (display, origin, size)
//   camera | camera:/dev/video2                a camera
//   rtsp://… | http(s)://… (a file or .m3u8)   a network stream
import { fileURLToPath } from 'node:url';
import { IngestError } from './errors';
import type { SourceSpec } from './types';

const SCREEN = /^screen(?::(:?[\w.-]*:?\d+(?:\.\d+)?))?(?:\+(\d+),(\d+))?(?:@(\d+)x(\d+))?$/;

function parseScreen(text: string): SourceSpec | undefined {
  const match = SCREEN.exec(text);
  if (!match) return undefined;
  const [, display, x, y, width, height] = match;
  const region =
    width && height
      ? { x: Number(x ?? 0), y: Number(y ?? 0), width: Number(width), height: Number(height) }
      : undefined;
  return { kind: 'screen', ...(display ? { display } : {}), ...(region ? { region } : {}) };
}

export function parseSourceSpec(text: string): SourceSpec {
  const value = text.trim();
  if (!value) throw new IngestError('not-found', '(empty)', 'no source given');
  const screen = parseScreen(value);
  if (screen) return screen;
  if (value === 'camera') return { kind: 'camera' };
  if (value.startsWith('camera:')) return { kind: 'camera', device: value.slice('camera:'.length) };
  if (value.startsWith('growing:'))
    return { kind: 'growing-file', path: value.slice('growing:'.length) };
  if (/^(rtsps?|https?|rtmp|srt|udp):\/\//i.test(value)) return { kind: 'url', url: value };
  if (value.startsWith('file://')) return { kind: 'file', path: fileURLToPath(value) };
  const sequence = /^(.*%0?\d*d[^@]*)(?:@(\d+(?:\.\d+)?))?$/.exec(value);
  if (sequence)
    return { kind: 'image-sequence', pattern: sequence[1]!, framerate: Number(sequence[2] ?? 1) };
  return { kind: 'file', path: value };
}
