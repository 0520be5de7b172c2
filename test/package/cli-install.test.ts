// The `vlm` command as a user installs it: `npm pack` (prepack builds dist/), then
// `npm install -g <tarball>` into a fresh prefix, then `vlm doctor`, `vlm ask` on a real screen
// recording and `vlm analyze` on a real screenshot, run from a clean environment (own HOME and
// cache, no npm variables, PATH without any node_modules) and offline: in a network namespace
// with no interfaces (`unshare -rn`) where this machine allows one, else with npm offline and
// every proxy pointing at a closed port (said in the output).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'real');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'vlm-cli-install-'));
const prefix = join(work, 'prefix');
const installed = join(prefix, 'lib', 'node_modules', manifest.name);
after(() => rmSync(work, { recursive: true, force: true }));

/** The environment without npm's variables (an `npm test` run sets many) and node_modules. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^npm_/i.test(key) && !['VLM_TEST', 'NODE_OPTIONS'].includes(key)) env[key] = value;
  const path = (process.env.PATH ?? '').split(delimiter).filter((d) => !d.includes('node_modules'));
  env.PATH = [dirname(process.execPath), ...path].join(delimiter);
  return { ...env, ...extra };
}

const canUnshare = spawnSync('unshare', ['-rn', 'true']).status === 0;
const home = join(work, 'home');
const offlineEnv = cleanEnv({
  HOME: home,
  XDG_CACHE_HOME: join(home, '.cache'),
  npm_config_offline: 'true',
  HTTP_PROXY: 'http://127.0.0.1:9',
  HTTPS_PROXY: 'http://127.0.0.1:9',
  ALL_PROXY: 'http://127.0.0.1:9',
  NO_PROXY: '',
});

/** Runs the installed `vlm` offline. */
function vlm(...args: string[]) {
  const bin = join(prefix, 'bin', 'vlm');
  const [command, argv] = canUnshare ? ['unshare', ['-rn', bin, ...args]] : [bin, args];
  return spawnSync(command, argv, {
    cwd: home,
    env: offlineEnv,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
}

before(() => {
  mkdirSync(home, { recursive: true });
  const pack = spawnSync('npm', ['pack', '--pack-destination', work, '--loglevel=error'], {
    cwd: root,
    encoding: 'utf8',
    env: cleanEnv({}),
  });
  assert.equal(pack.status, 0, pack.stderr);
  const tarball = join(work, `${manifest.name}-${manifest.version}.tgz`);
  assert.ok(existsSync(tarball), `npm pack wrote ${tarball}`);

  const listing = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
  const files = listing.stdout.split('\n').filter(Boolean).sort();
  assert.deepEqual(
    files,
    [
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'bin/bundle-fresh.js',
      'bin/vlm.js',
      'dist/cli.js',
      'dist/server.js',
      'package.json',
    ].map((f) => `package/${f}`),
    'the tarball holds the bundles and bin/, not the sources',
  );

  // The one install step that needs the registry (or npm's cache). onnxruntime-node's
  // install script would fetch the CUDA provider from NuGet; the CPU build ships inside it.
  const started = Date.now();
  const install = spawnSync(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      tarball,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    { cwd: work, encoding: 'utf8', env: cleanEnv({ ONNXRUNTIME_NODE_INSTALL: 'skip' }) },
  );
  assert.equal(install.status, 0, install.stderr);
  console.log(
    `installed ${manifest.name}-${manifest.version}.tgz into ${prefix} in ${((Date.now() - started) / 1000).toFixed(0)} s; ` +
      (canUnshare
        ? 'the commands run in a network namespace without interfaces (unshare -rn)'
        : 'unshare -rn is not permitted here: the commands run with npm offline and proxies pointing at a closed port'),
  );
});

test('the install holds the run-time dependencies only, and no TypeScript sources', () => {
  const deps = readdirSync(join(installed, 'node_modules'));
  for (const name of Object.keys(manifest.dependencies))
    assert.ok(existsSync(join(installed, 'node_modules', name)), `${name} installed`);
  for (const name of Object.keys(manifest.devDependencies))
    assert.ok(!existsSync(join(installed, 'node_modules', name)), `${name} is not installed`);
  assert.ok(!deps.includes('vscode-languageclient') && !deps.includes('typescript'));
  for (const dir of ['engine', 'server', 'client', 'protocol', 'scripts', 'test'])
    assert.ok(!existsSync(join(installed, dir)), `${dir}/ is not shipped`);
});

test('vlm doctor: the packaged ffmpeg, onnxruntime on CPU, bundled libraries', () => {
  const r = vlm('doctor', '--json');
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const report = JSON.parse(r.stdout);
  assert.equal(report.packages['onnxruntime-node'], manifest.dependencies['onnxruntime-node']);
  assert.equal(report.packages.sharp, manifest.dependencies.sharp);
  assert.match(report.packages['@huggingface/tokenizers'], /\(bundled\)$/);
  assert.match(report.ffmpeg.source, /@ffmpeg-installer/);
  assert.ok(report.ffmpeg.path.startsWith(installed), report.ffmpeg.path);
  assert.equal(report.providers[0].name, 'cpu');
  assert.equal(report.providers[0].available, true);
  assert.ok(report.cache.dir.startsWith(home), 'the cache is under HOME');
  console.log(`vlm doctor: ffmpeg ${report.ffmpeg.path}, provider ${report.providerUsed}`);
});

test('vlm ask answers about a real screen recording, with evidence, offline', () => {
  const video = join(fixtures, 'lazygit-nuke-working-tree.mp4');
  const r = vlm('ask', video, 'What does the dialog offer?', '--json');
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  // A fresh install has no model: no answer, the way to get one, and the evidence.
  assert.equal(result.answer, null);
  assert.equal(result.model.installed, false);
  assert.match(result.notice, /vlm model pull/);
  assert.ok(result.evidence.length > 0);
  assert.ok(
    result.evidence.some((e: { text?: string }) => /Nuke/.test(e.text ?? '')),
    'the dialog text is in the evidence',
  );
  assert.ok(result.cache.recent.blocks > 0);
  console.log(
    `vlm ask: ${result.evidence.length} evidence frames, model ${JSON.stringify(result.model)}`,
  );
});

test('vlm analyze reads a real screenshot, offline', () => {
  const r = vlm('analyze', join(fixtures, 'tabby-ssh-session.png'), '--json');
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.width, 2094);
  assert.ok(
    result.elements.some((e: { text: string }) => /ajenti\.org/.test(e.text)),
    'the SSH banner is read',
  );
  console.log(`vlm analyze: ${result.elements.length} text elements`);
});
