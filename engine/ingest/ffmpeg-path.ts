// Finds an ffmpeg binary. The order is documented in docs/configuration.md ("ffmpeg") and the
// error names every place tried, so a user can see which one to fix.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface FfmpegLocation {
  path: string;
  /** Where the path came from: 'setting', 'FFMPEG_PATH', 'ffmpeg-static', '@ffmpeg-installer/ffmpeg' or 'PATH'. */
  source: string;
}

export class FfmpegNotFoundError extends Error {
  constructor(readonly tried: string[]) {
    super(
      `ffmpeg not found. Tried, in order:\n  ${tried.join('\n  ')}\n` +
        'Install ffmpeg on PATH, set FFMPEG_PATH, or set vlm.ffmpegPath.',
    );
    this.name = 'FfmpegNotFoundError';
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** require() of an optional package that exports its binary path as a string or `{ path }`. */
function packageBinary(name: string): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported: unknown = require(name);
    if (typeof exported === 'string') return exported;
    if (exported && typeof (exported as { path?: unknown }).path === 'string') {
      return (exported as { path: string }).path;
    }
  } catch {
    // not installed, or its platform package is missing
  }
  return undefined;
}

function onPath(command: string): string | undefined {
  const names = process.platform === 'win32' ? [`${command}.exe`, command] : [command];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (dir && isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * Resolves ffmpeg in this order: the `vlm.ffmpegPath` setting, the FFMPEG_PATH environment
 * variable, the optional `ffmpeg-static` package, `@ffmpeg-installer/ffmpeg`, then `ffmpeg` on PATH.
 */
export function resolveFfmpeg(
  setting?: string,
  env: NodeJS.ProcessEnv = process.env,
): FfmpegLocation {
  const tried: string[] = [];
  const candidates: Array<[string, () => string | undefined]> = [
    ['setting vlm.ffmpegPath', () => setting || undefined],
    ['environment FFMPEG_PATH', () => env.FFMPEG_PATH || undefined],
    ['package ffmpeg-static', () => packageBinary('ffmpeg-static')],
    ['package @ffmpeg-installer/ffmpeg', () => packageBinary('@ffmpeg-installer/ffmpeg')],
    ['ffmpeg on PATH', () => onPath('ffmpeg')],
  ];
  for (const [label, find] of candidates) {
    const path = find();
    if (path && isExecutable(path)) return { path, source: label };
    tried.push(path ? `${label}: ${path} (not executable)` : `${label}: not set or not installed`);
  }
  throw new FfmpegNotFoundError(tried);
}

/** First line of `ffmpeg -version`, e.g. "ffmpeg version 6.1.1". */
export function ffmpegVersion(path: string): string {
  const result = spawnSync(path, ['-hide_banner', '-version'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (result.error) throw result.error;
  return (result.stdout.split('\n')[0] ?? '').trim();
}
