// Runs one ffmpeg child: no shell (arguments as an array), stderr split into lines and
// its tail kept for error messages, killed on abort, and always reaped before we return,
// so a cancelled decode leaves no process and no zombie behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { IngestError } from './errors';
import { FfmpegNotFoundError, resolveFfmpeg } from './ffmpeg-path';

export interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  spawnError?: NodeJS.ErrnoException;
}

export interface FfmpegProcessOptions {
  ffmpegPath: string;
  args: string[];
  /** Feed data to ffmpeg's stdin (growing files); otherwise stdin is closed. */
  pipeStdin?: boolean;
  /** Called for every complete stderr line. */
  onStderrLine?: (line: string) => void;
}

/** How many stderr lines to keep for error messages. */
const STDERR_TAIL_LINES = 40;

export class FfmpegProcess {
  readonly child: ChildProcess;
  /** Resolves once the process has exited and its pipes are closed. */
  readonly exited: Promise<FfmpegExit>;
  private readonly tail: string[] = [];
  private partialLine = '';
  private exitInfo: FfmpegExit | undefined;

  constructor(private readonly options: FfmpegProcessOptions) {
    this.child = spawn(options.ffmpegPath, options.args, {
      stdio: [options.pipeStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (text: string) => this.onStderr(text));
    this.exited = new Promise<FfmpegExit>((resolve) => {
      this.child.once('error', (error: NodeJS.ErrnoException) => {
        if (this.child.pid === undefined)
          this.finish({ code: null, signal: null, spawnError: error }, resolve);
      });
      this.child.once('close', (code, signal) => this.finish({ code, signal }, resolve));
    });
    // A closed stdin (ffmpeg quit early) must not crash the process with EPIPE.
    this.child.stdin?.on('error', () => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** The last stderr lines, oldest first. */
  stderrTail(): string[] {
    return this.partialLine ? [...this.tail, this.partialLine] : [...this.tail];
  }

  /** Kills the process (SIGKILL: ffmpeg on a pipe may ignore SIGTERM) and waits until it is reaped. */
  async kill(): Promise<FfmpegExit> {
    if (!this.exitInfo && this.child.pid !== undefined) this.child.kill('SIGKILL');
    return this.exited;
  }

  private finish(info: FfmpegExit, resolve: (info: FfmpegExit) => void): void {
    if (this.exitInfo) return;
    if (this.partialLine) this.emitLine(this.partialLine);
    this.partialLine = '';
    this.exitInfo = info;
    resolve(info);
  }

  private onStderr(text: string): void {
    const lines = (this.partialLine + text).split(/\r?\n|\r/);
    this.partialLine = lines.pop() ?? '';
    for (const line of lines) if (line) this.emitLine(line);
  }

  private emitLine(line: string): void {
    this.tail.push(line);
    if (this.tail.length > STDERR_TAIL_LINES) this.tail.shift();
    this.options.onStderrLine?.(line);
  }
}

/** The error for a spawn failure: a missing or non-executable ffmpeg names the path. */
export function spawnFailure(ffmpegPath: string, error: NodeJS.ErrnoException): IngestError {
  const why =
    error.code === 'ENOENT'
      ? 'no such file'
      : error.code === 'EACCES'
        ? 'not executable'
        : error.message;
  return new IngestError(
    'ffmpeg-missing',
    ffmpegPath,
    `cannot start ffmpeg (${why}); install ffmpeg, set FFMPEG_PATH or vlm.ffmpegPath`,
  );
}

/** resolveFfmpeg, with "not found" as an IngestError ('ffmpeg-missing') listing every place tried. */
export function findFfmpeg(explicitPath?: string, setting?: string): string {
  if (explicitPath) return explicitPath;
  try {
    return resolveFfmpeg(setting).path;
  } catch (error) {
    if (error instanceof FfmpegNotFoundError)
      throw new IngestError('ffmpeg-missing', 'ffmpeg', error.message);
    throw error;
  }
}
