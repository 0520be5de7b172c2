// Runs a TypeScript benchmark helper in a child `node --import tsx` process, so that each
// measured approach has its own peak RSS, and returns the JSON it prints on a RESULT line
// (or the whole stdout for scripts that write their figures to a file).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The checkout root (the folder holding engine/bench), from the source or the bundle. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'engine', 'bench', 'support', 'length-probe.ts'))) return dir;
    const up = dirname(dir);
    if (up === dir)
      throw new Error(
        `vlm bench needs the source checkout (engine/bench/support/length-probe.ts not found above ${__dirname})`,
      );
    dir = up;
  }
}

export interface ChildRun {
  stdout: string;
  /** The parsed JSON after `RESULT ` on the last such line, if any. */
  result: unknown;
}

export function runTsChild(
  script: string,
  args: string[],
  options: { signal: AbortSignal; log?: (line: string) => void; env?: NodeJS.ProcessEnv },
): Promise<ChildRun> {
  const root = repoRoot();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, script), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
      env: options.env ?? process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        const last = stderr.trim().split('\n').slice(-3).join(' | ');
        reject(new Error(`${script} exited with ${signal ?? code}: ${last.slice(0, 600)}`));
        return;
      }
      const line = stdout
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('RESULT '));
      resolve({ stdout, result: line ? JSON.parse(line.slice(7)) : undefined });
    });
  });
}
