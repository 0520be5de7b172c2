// Runs one `vlm ask` in this process, as the command line does, and prints what the
// ask-rtf scenario measures: the wall time from the start of the command to its exit
// and the process's peak resident set (getrusage), on a RESULT line after the ask's JSON.
//
//   node --import tsx engine/bench/support/ask-child.ts <vlm ask arguments…>
import { main } from '../../cli/main';

async function run(): Promise<void> {
  const started = performance.now();
  const code = await main(['ask', ...process.argv.slice(2)]);
  const wallMs = performance.now() - started;
  // maxRSS is in kilobytes on Linux and macOS.
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`\nRESULT ${JSON.stringify({ code, wallMs, peakRssBytes })}\n`);
  process.exit(code);
}

void run();
