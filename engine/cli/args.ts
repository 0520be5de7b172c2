// Command-line parsing shared by the subcommands: node's parseArgs, with option values
// that look like negative numbers accepted as values, so `--fps -1` reaches the option's
// own check ("--fps must be a positive number") instead of failing as an ambiguous option.
import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { IngestError } from '../ingest/errors';
import { readVideoMetadata } from '../ingest/decoder';
import type { MediaKind } from '../media';
import { isWebpFile } from '../media/input-file';
import { checkMediaFile } from '../session/validate';
import { readImageFrame } from '../stream/image-source';
import { UsageError } from './command';
import { printableName } from './printable';

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

type Options = NonNullable<ParseArgsConfig['options']>;

/** `--name -1` becomes `--name=-1` for options that take a value; everything else is kept. */
export function joinNegativeValues(args: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return [...out, ...args.slice(i)];
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    const next = args[i + 1];
    if (name && options[name]?.type === 'string' && next && NEGATIVE_NUMBER.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** parseArgs in strict mode with positionals; a mistake is a UsageError. */
export function parseCommandArgs<T extends Options>(args: string[], options: T, command?: string) {
  try {
    return parseArgs({
      args: joinNegativeValues(args, options),
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const dashed = dashedFileName(args, options);
    if (dashed !== undefined)
      throw new UsageError(dashedFileMessage(dashed, args, options, command));
    throw new UsageError((error as Error).message);
  }
}

/** `--name`, `--name=value` or `-n` of a declared option (and, for `--name value`, its value). */
function optionToken(arg: string, options: Options): { takesNext: boolean } | undefined {
  if (arg.startsWith('--')) {
    const [name, value] = arg.slice(2).split(/=(.*)/s);
    const option = options[name!];
    if (!option) return undefined;
    return { takesNext: option.type === 'string' && value === undefined };
  }
  const short = Object.values(options).find((o) => o.short && `-${o.short}` === arg);
  return short ? { takesNext: short.type === 'string' } : undefined;
}

/**
 * The first argument before `--` that starts with '-' but is no declared option and looks
 * like a file: it names an existing file, or has a file extension or a path separator.
 */
function dashedFileName(args: string[], options: Options): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return undefined;
    const token = optionToken(arg, options);
    if (token) {
      if (token.takesNext) i++;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-' || NEGATIVE_NUMBER.test(arg)) continue;
    if (existsSync(arg) || /\.\w+$|\//.test(arg)) return arg;
  }
  return undefined;
}

/** An argument as typed in a shell: quoted when it has anything a shell would split or expand. */
function shellWord(arg: string, quote: boolean): string {
  return quote || !/^[\w./@:+,=%-]+$/.test(arg) ? JSON.stringify(arg) : arg;
}

/** "'-a.png' looks like an option; put -- before file names that start with '-' (vlm ask -- -a.png "q")". */
function dashedFileMessage(
  file: string,
  args: string[],
  options: Options,
  command: string | undefined,
): string {
  const before: string[] = [];
  const after: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const token = arg === file ? undefined : optionToken(arg, options);
    if (token) {
      before.push(arg);
      if (token.takesNext && i + 1 < args.length) before.push(args[++i]!);
    } else if (arg !== '--') after.push(arg);
  }
  const example = [
    ...(command ? ['vlm', command] : []),
    ...before.map((a) => shellWord(a, false)),
    '--',
    ...after.map((a) => shellWord(a, a !== file && !/[./]/.test(a))),
  ].join(' ');
  return `'${printableName(file)}' looks like an option; put -- before file names that start with '-' (${example})`;
}

/** Runs a check whose failure is a command-line mistake, as a UsageError with its message. */
export function usage<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * A media file named on the command line, checked before any model work (see
 * checkMediaFile): a missing one is a usage error; a directory, FIFO, link loop, empty
 * file or an image over the pixel limit fails with an IngestError that names it.
 */
export async function checkFileArgument(path: string): Promise<MediaKind> {
  try {
    return (await checkMediaFile(path)).kind;
  } catch (error) {
    if (error instanceof IngestError && error.code === 'not-found')
      throw new UsageError(`no such file: ${printableName(path)}`);
    throw error;
  }
}

/** What a failed header read says about the file itself, rather than about ffmpeg or the machine. */
const FILE_PROBLEMS: ReadonlySet<string> = new Set([
  'corrupt',
  'truncated',
  'not-media',
  'unsupported-codec',
  'too-many-pixels',
]);

/**
 * A cheap look at whether the file decodes, before a model is chosen or pulled, so a
 * damaged file is reported first: a still image is decoded (as its stream would decode
 * it), a video's header is read by ffmpeg. Only a verdict about the file stops here; any
 * other trouble (no ffmpeg, a timeout) is left for the stream to report as it does.
 */
export async function checkFileDecodes(
  path: string,
  kind: MediaKind,
  signal?: AbortSignal,
): Promise<void> {
  try {
    if (kind === 'image') await readImageFrame(path);
    else if (!(await isWebpFile(path))) await readVideoMetadata(path, { signal });
  } catch (error) {
    if (error instanceof IngestError && FILE_PROBLEMS.has(error.code)) throw error;
  }
}
