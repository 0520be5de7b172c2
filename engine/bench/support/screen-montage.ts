// One long real screen recording for end-to-end figures: the committed real screen
// recordings (test/fixtures/real, kind screen-recording), scaled and padded to 1280x720
// and joined end to end with the bundled ffmpeg. No single committed recording is two
// minutes long; together they are about 125 s of real terminals, editors and TUIs.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveFfmpeg } from '../../ingest/ffmpeg-path';
import { repoRoot } from './child';

/** The committed screen recordings, shortest first, with their durations from the manifest. */
export function realScreenRecordings(): Array<{ path: string; durationSec: number }> {
  const dir = join(repoRoot(), 'test', 'fixtures', 'real');
  return readFileSync(join(dir, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .filter((cols) => cols[1] === 'screen-recording' && existsSync(join(dir, cols[0])))
    .map((cols) => ({ path: join(dir, cols[0]), durationSec: Number(cols[7]) }))
    .sort((a, b) => a.durationSec - b.durationSec);
}

/** Writes `out` (H.264, 10 fps, 1280x720) from `inputs` in order; resolves with its duration. */
export function writeMontage(
  inputs: ReadonlyArray<{ path: string; durationSec: number }>,
  out: string,
  signal: AbortSignal,
): Promise<number> {
  const scale =
    'fps=10,scale=1280:720:force_original_aspect_ratio=decrease,' +
    'pad=1280:720:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p';
  const chains = inputs.map((_, i) => `[${i}:v]${scale}[v${i}];`).join('');
  const joined = inputs.map((_, i) => `[v${i}]`).join('');
  const args = [
    '-v',
    'error',
    '-nostdin',
    '-y',
    ...inputs.flatMap((input) => ['-i', input.path]),
    '-filter_complex',
    `${chains}${joined}concat=n=${inputs.length}:v=1:a=0[out]`,
    '-map',
    '[out]',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '28',
    out,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(resolveFfmpeg().path, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      signal,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(inputs.reduce((sum, input) => sum + input.durationSec, 0))
        : reject(new Error(`ffmpeg could not join the screen recordings: ${stderr.slice(-500)}`)),
    );
  });
}
