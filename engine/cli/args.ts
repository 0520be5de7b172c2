// Command-line parsing shared by the subcommands: node's parseArgs, with option values
// that look like negative numbers accepted as values, so `--fps -1` reaches the option's
// own check ("--fps must be a positive number") instead of failing as an ambiguous option.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { IngestError } from '../ingest/errors';
import { checkMediaFile } from '../session/validate';
import { UsageError } from './command';

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
export function parseCommandArgs<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({
      args: joinNegativeValues(args, options),
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
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
export async function checkFileArgument(path: string): Promise<void> {
  try {
    await checkMediaFile(path);
  } catch (error) {
    if (error instanceof IngestError && error.code === 'not-found')
      throw new UsageError(`no such file: ${path}`);
    throw error;
  }
}
