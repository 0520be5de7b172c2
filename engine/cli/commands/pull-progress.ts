// What a pull shows on stderr: on a terminal one line redrawn with bytes, speed and time
// left; otherwise (a log, a pipe) one plain line per file.
import type { PullProgress } from '../../hub';
import { formatBytes } from '../../util/files';

export interface PullReporter {
  onProgress?: (p: PullProgress) => void;
  onFile: (f: { file: string; size: number; downloaded: boolean }) => void;
  /** Ends the redrawn line, if one was drawn. */
  done: () => void;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}

export function pullReporter(
  stream: NodeJS.WriteStream = process.stderr,
  now: () => number = () => performance.now(),
): PullReporter {
  if (!stream.isTTY)
    return {
      onFile: (f) =>
        stream.write(
          `${f.downloaded ? 'downloaded' : 'cached    '}  ${f.file}  (${formatBytes(f.size)})\n`,
        ),
      done: () => undefined,
    };
  const started = now();
  let drawn = false;
  let last = 0;
  return {
    onProgress: (p) => {
      const t = now();
      if (t - last < 100 && p.bytes < p.totalBytes) return;
      last = t;
      const rate = p.bytes / Math.max((t - started) / 1000, 1e-3);
      const eta = (p.totalBytes - p.bytes) / rate;
      const line =
        `${formatBytes(p.bytes)} / ${formatBytes(p.totalBytes)}  ${formatBytes(rate)}/s  ` +
        `ETA ${duration(eta)}  ${p.file}`;
      stream.write(`\r\x1b[K${line}`);
      drawn = true;
    },
    onFile: () => undefined,
    done: () => {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
