// `npm run package`: one platform-specific .vsix per target, all built on this machine.
//   npm run package                     the target of this machine (VSCE_TARGET overrides)
//   npm run package -- --target win32-arm64 [--target ...]
//   npm run package -- --all            every supported target (scripts/vsix/targets.mjs)
//   options: --out-dir DIR (where the .vsix files go; default .), --work-dir DIR (where the
//   staging folders go; default out/package), --keep-staging (keep <work-dir>/<target>/)
// Per target: stages a folder with the production bundle and only that target's native files
// (scripts/vsix/stage.mjs; platform packages come from the npm registry, integrity-checked),
// runs `vsce package --target` there, then checks the .vsix (scripts/check-vsix.mjs) and
// prints its size against the target's budget, where the space goes and each native file.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkVsix, formatReport } from './check-vsix.mjs';
import { stageTarget } from './vsix/stage.mjs';
import { TARGETS, UNSUPPORTED, vsixName } from './vsix/targets.mjs';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
process.chdir(root);

const { values } = parseArgs({
  options: {
    target: { type: 'string', multiple: true },
    all: { type: 'boolean' },
    'out-dir': { type: 'string', default: '.' },
    'work-dir': { type: 'string', default: join('out', 'package') },
    'keep-staging': { type: 'boolean' },
  },
});
const host = process.env.VSCE_TARGET || `${process.platform}-${process.arch}`;
const targets = values.all ? Object.keys(TARGETS) : (values.target ?? [host]);
for (const target of targets) {
  if (TARGETS[target]) continue;
  const why = UNSUPPORTED[target] ?? 'not a target vsce knows';
  console.error(
    `package: ${target} is not supported: ${why}. Supported: ${Object.keys(TARGETS).join(', ')}`,
  );
  process.exit(2);
}

function run(command, args, cwd = root) {
  const r = spawnSync(command, args, { stdio: 'inherit', cwd });
  if (r.status !== 0) {
    console.error(`package: ${command} ${args.join(' ')} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const outDir = resolve(values['out-dir']);
mkdirSync(outDir, { recursive: true });
run(process.execPath, ['scripts/bundle.mjs', '--production']);

let failed = false;
for (const target of targets) {
  const staging = resolve(values['work-dir'], target);
  const out = join(outDir, vsixName(target, manifest));
  console.log(`package: ${target}: staging in ${staging}`);
  try {
    stageTarget(target, staging);
  } catch (error) {
    console.error(`package: ${target}: ${error.message}`);
    process.exit(1);
  }
  run(
    process.execPath,
    [
      join(root, 'node_modules', '@vscode', 'vsce', 'vsce'),
      'package',
      '--target',
      target,
      '--out',
      out,
      // No public repository URL exists; the Marketplace page links nothing relative.
      '--allow-missing-repository',
      '--no-rewrite-relative-links',
    ],
    staging,
  );
  const report = await checkVsix(out, target);
  console.log(formatReport(report));
  failed ||= report.problems.length > 0;
  if (!values['keep-staging']) rmSync(staging, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
