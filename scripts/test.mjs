// `npm test`: runs every test suite this machine can run, in one node:test run, and
// prints one line for each suite it cannot run, saying why and what would enable it.
// `npm test -- unit protocol` runs only the named suites.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { tarballPath } from './vsix/stage.mjs';
import { TARGETS, platformPackages } from './vsix/targets.mjs';

/** A suite is a folder under test/; `unavailable()` returns why it cannot run here, or null. */
const suites = [
  { name: 'unit', unavailable: () => null },
  { name: 'protocol', unavailable: () => null },
  { name: 'bench', unavailable: () => null },
  // Mixed load on the language server and the HTTP endpoint; VLM_SOAK_SECONDS sets its length.
  { name: 'soak', unavailable: () => null },
  // The bad-input corpus through the CLI, MCP, the language server and HTTP (docs/hardening.md).
  { name: 'corpus', unavailable: () => null },
  { name: 'package', unavailable: packageUnavailable },
  { name: 'browser', unavailable: browserUnavailable },
  { name: 'editor', unavailable: editorUnavailable },
  { name: 'e2e', unavailable: e2eUnavailable },
];

// The desktop VS Code suite runs through @vscode/test-electron, which must download VS Code
// unless VSCODE_EXECUTABLE_PATH points at an installed build.
function editorUnavailable() {
  const vscode = process.env.VSCODE_EXECUTABLE_PATH;
  if (vscode && existsSync(vscode)) return null;
  if (
    existsSync('.vscode-test') &&
    readdirSync('.vscode-test').some((d) => d.startsWith('vscode-'))
  )
    return null;
  return 'no desktop VS Code build: set VSCODE_EXECUTABLE_PATH to an installed `code`, or run where @vscode/test-electron can download one';
}

// The end-to-end suite runs VS Code's web build (code-server, installed by
// scripts/setup-e2e.sh outside the project's node_modules) driven through Chromium.
function e2eUnavailable() {
  const dir =
    process.env.VLM_E2E_DIR ||
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'vlm-stream-e2e');
  const codeServer = join(dir, 'node_modules', '.bin', 'code-server');
  const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(codeServer))
    return `code-server not installed at ${codeServer}; run scripts/setup-e2e.sh`;
  if (!existsSync(chromium)) return `Chromium not found at ${chromium}; run scripts/setup-e2e.sh`;
  return null;
}

// The package suite builds every target's .vsix from registry tarballs (kept in
// .cache/platform-packages once verified) and installs the npm tarball of the CLI, so it needs
// the npm registry unless those tarballs are cached.
function packageUnavailable() {
  if (spawnSync('tar', ['--version']).status !== 0) return 'tar not found on PATH';
  const cached = Object.keys(TARGETS).every((t) =>
    platformPackages(t).every(({ name, version }) => existsSync(tarballPath(name, version))),
  );
  if (cached) return null;
  const ping = spawnSync('npm', ['ping', '--fetch-retries=0', '--fetch-timeout=15000'], {
    shell: process.platform === 'win32',
  });
  if (ping.status === 0) return null;
  return 'the npm registry is unreachable and .cache/platform-packages lacks the platform tarballs';
}

function browserUnavailable() {
  const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (existsSync(chromium)) return null;
  return `Chromium not found at ${chromium}; install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`;
}

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const wanted = process.argv.slice(2);
const selected = wanted.length ? suites.filter((s) => wanted.includes(s.name)) : suites;
const unknown = wanted.filter((w) => !suites.some((s) => s.name === w));
if (unknown.length) {
  console.error(
    `unknown suite(s): ${unknown.join(', ')}; suites are ${suites.map((s) => s.name).join(', ')}`,
  );
  process.exit(2);
}

const files = [];
for (const suite of selected) {
  const reason = suite.unavailable();
  if (reason) {
    console.log(`[${suite.name}] skipped: ${reason}`);
    continue;
  }
  const found = testFiles(join('test', suite.name));
  if (found.length === 0) console.log(`[${suite.name}] no test files yet`);
  files.push(...found.sort());
}
if (files.length === 0) {
  console.error('no test files selected');
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, VLM_TEST: '1' } },
);
process.exit(result.status ?? 1);
