// `npm run package`: builds production bundles and packages a platform-specific .vsix for
// linux-x64 with vsce. .vscodeignore is an allowlist: dist/client.js, dist/server.js,
// media/, and only the run-time native modules with their linux-x64 binaries. Prints the
// .vsix path, its size, and the largest entries, so size regressions are visible.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const target = process.env.VSCE_TARGET || 'linux-x64';
const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
const out = `${name}-${target}-${version}.vsix`;

function run(command, args) {
  const r = spawnSync(command, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`package: ${command} ${args.join(' ')} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

run(process.execPath, ['scripts/bundle.mjs', '--production']);
run(process.execPath, [
  join('node_modules', '@vscode', 'vsce', 'vsce'),
  'package',
  '--target',
  target,
  '--out',
  out,
  '--skip-license',
  '--allow-missing-repository',
  '--allow-star-activation',
  // The README and docs/ link to source files by relative path; there is no published repository URL.
  '--no-rewrite-relative-links',
]);

const bytes = statSync(out).size;
console.log(`package: ${out} ${(bytes / 2 ** 20).toFixed(1)} MiB (${bytes} bytes)`);
const listing = spawnSync('unzip', ['-l', out], { encoding: 'utf8' });
if (listing.status === 0) {
  const biggest = listing.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 4 && /^\d+$/.test(cols[0]) && cols[3].startsWith('extension/'))
    .sort((a, b) => Number(b[0]) - Number(a[0]))
    .slice(0, 8);
  for (const cols of biggest)
    console.log(`  ${(Number(cols[0]) / 2 ** 20).toFixed(1).padStart(6)} MiB  ${cols[3]}`);
}
