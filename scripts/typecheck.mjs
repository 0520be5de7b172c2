// `tsc --noEmit` over every project. Each folder has its own tsconfig so that, for
// example, engine/ is checked without the vscode types it must never use.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const projects = ['engine', 'protocol', 'server', 'client', 'test'];
const hasTypeScript = (dir) =>
  existsSync(dir) &&
  readdirSync(dir, { withFileTypes: true }).some((e) =>
    e.isDirectory() ? hasTypeScript(join(dir, e.name)) : e.name.endsWith('.ts'),
  );

let failed = false;
for (const project of projects.filter(hasTypeScript)) {
  const tsc = join('node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
  console.log(`typecheck ${project}: ${r.status === 0 ? 'ok' : 'FAILED'}`);
  failed ||= r.status !== 0;
}
process.exit(failed ? 1 : 0);
