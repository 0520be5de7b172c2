// The @vscode/test-electron suite: launches a desktop VS Code with this extension under
// development and runs suite/index.ts inside it. Needs a VS Code build: VSCODE_EXECUTABLE_PATH,
// or one @vscode/test-electron downloaded into .vscode-test/. Without either it is skipped
// with one line (scripts/test.mjs prints that line before even loading this file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';

function vscodeExecutable(): string | undefined {
  const given = process.env.VSCODE_EXECUTABLE_PATH;
  if (given && existsSync(given)) return given;
  const cache = '.vscode-test';
  if (!existsSync(cache)) return undefined;
  const install = readdirSync(cache).find(
    (d) => d.startsWith('vscode-linux-x64-') && existsSync(join(cache, d, 'is-complete')),
  );
  return install ? resolve(cache, install, 'code') : undefined;
}

const executable = vscodeExecutable();

test(
  'the extension in a desktop VS Code: activate, Ask About Video, answers view, diagnostics',
  { skip: executable ? false : 'no VS Code build: set VSCODE_EXECUTABLE_PATH', timeout: 300_000 },
  async () => {
    const { runTests } = await import('@vscode/test-electron');
    const root = resolve('.');
    const bundled = spawnSync(process.execPath, ['scripts/bundle.mjs'], { stdio: 'inherit' });
    assert.equal(bundled.status, 0, 'bundle the extension');
    const work = mkdtempSync(join(tmpdir(), 'vlm-editor-'));
    const suite = join(work, 'suite.js');
    await build({
      entryPoints: ['test/editor/client/suite/index.ts'],
      outfile: suite,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
    });
    const workspace = join(work, 'workspace');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    copyFileSync(
      'test/fixtures/real/lazygit-nuke-working-tree.mp4',
      join(workspace, 'lazygit-nuke-working-tree.mp4'),
    );
    writeFileSync(
      join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'vlm.cacheDir': join(work, 'cache') }),
    );
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: root,
      extensionTestsPath: suite,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        `--user-data-dir=${join(work, 'user-data')}`,
      ],
    });
  },
);
