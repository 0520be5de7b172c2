// Finds an ffmpeg binary. The order is documented in docs/configuration.md ("ffmpeg") and the
// error names every place tried, so a user can see which one to fix.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
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

/** The ffmpeg the user chose (setting or FFMPEG_PATH) cannot run: it is used or the run fails. */
export class FfmpegChoiceError extends FfmpegNotFoundError {
  constructor(choice: string) {
    super([choice]);
    this.message = `${choice}: not an executable file; fix or unset it to use the bundled ffmpeg`;
    this.name = 'FfmpegChoiceError';
  }
}

/** An executable regular file (a directory has the execute bit too). */
function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
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
 * A setting or FFMPEG_PATH that names no executable file is an error (FfmpegChoiceError),
 * not a reason to run another ffmpeg than the one the user asked for.
 */
export function resolveFfmpeg(
  setting?: string,
  env: NodeJS.ProcessEnv = process.env,
): FfmpegLocation {
  const choices: Array<[label: string, name: string, path: string | undefined]> = [
    ['setting vlm.ffmpegPath', 'vlm.ffmpegPath', setting],
    ['environment FFMPEG_PATH', 'FFMPEG_PATH', env.FFMPEG_PATH],
  ];
  for (const [label, name, path] of choices) {
    if (!path) continue;
    if (isExecutable(path)) return { path, source: label };
    throw new FfmpegChoiceError(`${name}=${path}`);
  }
  const tried = choices.map(([label]) => `${label}: not set`);
  const candidates: Array<[string, () => string | undefined]> = [
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
