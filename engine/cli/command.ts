// The shape every `vlm` subcommand has. A new subcommand is a new file in commands/
// plus one line in commands/index.ts.

/** Exit codes, documented in `vlm --help` and docs/cli.md. */
export const ExitCode = {
  ok: 0,
  /** The command ran and failed: invalid model, unreadable input, engine error. */
  failed: 1,
  /** Bad command line: unknown subcommand or flag, missing argument. */
  usage: 2,
  /** Interrupted by SIGINT or SIGTERM. */
  interrupted: 130,
} as const;

export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Aborted on SIGINT/SIGTERM; long-running commands stop at the next step. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  /** One line for `vlm --help`. */
  summary: string;
  /** Full usage text for `vlm <name> --help`. */
  usage: string;
  run(args: string[], io: CommandIo): Promise<number>;
}

/** Thrown for command-line mistakes; main() prints it with the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
