// Entry point of the `vlm` command-line tool.
import { commands } from './commands';
import '../runtime/ort-env';
import { ExitCode, UsageError, type CommandIo } from './command';
import { printable, printableError } from './printable';

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Usage: vlm <command> [options]

Ask questions about videos and screenshots with a streaming vision-language engine.

Commands:
${list}

Run 'vlm <command> --help' for a command's options.

Exit codes:
  0    success
  1    the command failed (invalid model, unreadable input, engine error)
  2    usage error (unknown command or option, missing argument)
  130  interrupted (SIGINT or SIGTERM)
`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const io: CommandIo = {
    // Output names user files and echoes user input: control characters are shown, not
    // obeyed (JSON output has them escaped already, so this leaves it unchanged).
    out: (text) => process.stdout.write(printable(text.endsWith('\n') ? text : `${text}\n`)),
    err: (text) => process.stderr.write(printable(text.endsWith('\n') ? text : `${text}\n`)),
    signal: interruptSignal(),
  };
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp());
    return name ? ExitCode.ok : ExitCode.usage;
  }
  if (name === '--version' || name === '-v') {
    io.out(packageVersion());
    return ExitCode.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`vlm: unknown command '${name}'\n\n${mainHelp()}`);
    return ExitCode.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return ExitCode.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`vlm ${name}: ${error.message}\n\n${command.usage}`);
      return ExitCode.usage;
    }
    if (io.signal.aborted) {
      io.err(`vlm ${name}: interrupted`);
      return ExitCode.interrupted;
    }
    io.err(`vlm ${name}: ${printableError(error)}`);
    if (process.env.VLM_DEBUG && error instanceof Error) io.err(error.stack ?? '');
    return ExitCode.failed;
  }
}

function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    controller.abort(new Error('interrupted'));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

function packageVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../package.json') as { version: string }).version;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(printable(`vlm: ${String(error)}\n`));
      process.exit(ExitCode.failed);
    },
  );
}
