// Builds one target's staging folder, from which `vsce package --target` makes its .vsix:
//   out/package/<target>/
//     package.json        the extension manifest (no scripts, no devDependencies)
//     README.md           docs/marketplace.md, the Marketplace page
//     CHANGELOG.md, LICENSE, dist/client.js, dist/server.js, media/
//     node_modules/       the run-time dependencies, copied from ./node_modules, with only
//                         the target's onnxruntime binaries, plus the target's platform
//                         packages (sharp, libvips, ffmpeg) unpacked from registry tarballs
//     .vscodeignore       the target's allowlist (targets.mjs)
// vsce lists the dependencies with `npm list --production`, so node_modules holds the whole
// production closure (also onnxruntime-node's install-time dependencies); the allowlist
// then keeps only what is loaded at run time.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { ORT_UNUSED, TARGETS, ortBinaryDir, platformPackages, vscodeignore } from './targets.mjs';

/** Where verified registry tarballs are kept between runs. */
export const TARBALL_CACHE = join('.cache', 'platform-packages');

/** Where name@version's tarball is cached: the file name `npm pack` gives it. */
export const tarballPath = (name, version) =>
  join(TARBALL_CACHE, `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`);

/** The manifest fields that mean something to npm only; the .vsix's package.json drops them. */
const NPM_ONLY = ['private', 'bin', 'files', 'scripts', 'devDependencies', 'allowScripts'];

function npm(args, options = {}) {
  // Windows runs npm.cmd only through a shell.
  const r = spawnSync('npm', args, {
    encoding: 'utf8',
    shell: process.platform === 'win32',
    ...options,
  });
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const sha512 = (file) =>
  `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;

/**
 * The integrity a tarball must have: the registry's `dist.integrity`, which must also equal
 * package-lock.json's entry when the lock has one. Offline, the lock's entry alone.
 */
function expectedIntegrity(name, version, log) {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
  const locked = lock.packages?.[`node_modules/${name}`];
  const lockIntegrity = locked?.version === version ? locked.integrity : undefined;
  const view = npm(['view', `${name}@${version}`, 'dist.integrity', '--json']);
  if (view.ok && view.stdout.trim()) {
    const registry = JSON.parse(view.stdout);
    if (lockIntegrity && lockIntegrity !== registry)
      throw new Error(
        `${name}@${version}: the registry's integrity ${registry} differs from package-lock.json's ${lockIntegrity}`,
      );
    return registry;
  }
  if (lockIntegrity) {
    log(`  ${name}@${version}: registry unreachable, checking against package-lock.json`);
    return lockIntegrity;
  }
  throw new Error(`${name}@${version}: no integrity (npm view failed: ${view.stderr.trim()})`);
}

/** The registry tarball of name@version in TARBALL_CACHE, checked against its integrity. */
export function fetchTarball(name, version, log = console.log) {
  mkdirSync(TARBALL_CACHE, { recursive: true });
  const file = tarballPath(name, version);
  const integrity = expectedIntegrity(name, version, log);
  if (existsSync(file) && sha512(file) === integrity) return { file, integrity, cached: true };
  // Packed into a private folder and renamed into the cache once verified, so concurrent
  // runs never see a partial or unverified tarball.
  const tmp = mkdtempSync(join(TARBALL_CACHE, '.fetch-'));
  try {
    const packed = npm([
      'pack',
      `${name}@${version}`,
      '--pack-destination',
      tmp,
      '--ignore-scripts',
    ]);
    const fetched = join(tmp, basename(file));
    if (!packed.ok || !existsSync(fetched))
      throw new Error(`npm pack ${name}@${version} failed: ${packed.stderr.trim()}`);
    const actual = sha512(fetched);
    if (actual !== integrity)
      throw new Error(`${name}@${version}: tarball sha512 ${actual} is not ${integrity}`);
    renameSync(fetched, file);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { file, integrity, cached: false };
}

/**
 * The package folder that `require(name)` from `fromDir` finds inside `root` (a node_modules
 * folder), following Node's lookup through nested node_modules folders.
 */
function resolvePackage(root, fromDir, name) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = dir === root ? join(root, name) : join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || !dir.startsWith(root)) return undefined;
  }
}

/**
 * The installed packages reachable from `names` through `dependencies` (optional ones are
 * platform packages, fetched per target instead), as folders inside `root`.
 */
export function productionClosure(root, names) {
  const found = new Set();
  const visit = (fromDir, name) => {
    const dir = resolvePackage(root, fromDir, name);
    if (!dir) throw new Error(`${name} is not installed (needed from ${fromDir}); run npm ci`);
    if (found.has(dir)) return;
    found.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dir, dep);
  };
  for (const name of names) visit(root, name);
  return [...found].sort();
}

/** The extension's package.json for the .vsix: npm-only fields dropped, the target's deps. */
export function stagedManifest(manifest, target) {
  const staged = { ...manifest };
  for (const key of NPM_ONLY) delete staged[key];
  delete staged.optionalDependencies;
  staged.dependencies = { ...manifest.dependencies };
  if (!TARGETS[target].ffmpeg) delete staged.dependencies['@ffmpeg-installer/ffmpeg'];
  return staged;
}

/**
 * Fills `dir` (emptied first) for `target`. Expects the production bundle in dist/.
 * Returns the platform packages it unpacked.
 */
export function stageTarget(target, dir, log = console.log) {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const staged = stagedManifest(manifest, target);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(staged, null, 2)}\n`);
  copyFileSync(join('docs', 'marketplace.md'), join(dir, 'README.md'));
  for (const file of ['CHANGELOG.md', 'LICENSE', 'dist/client.js', 'dist/server.js']) {
    if (!existsSync(file)) throw new Error(`${file} missing; run node scripts/bundle.mjs`);
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(file, join(dir, file));
  }
  cpSync('media', join(dir, 'media'), { recursive: true });
  writeFileSync(join(dir, '.vscodeignore'), vscodeignore(target));

  // Run-time dependencies from the shared node_modules, which is only read.
  const root = realpathSync('node_modules');
  const ortBin = ortBinaryDir(target).replace(/^node_modules\//, '');
  const unused = ORT_UNUSED[target] ?? [];
  for (const pkg of productionClosure(root, Object.keys(staged.dependencies))) {
    const rel = relative(root, pkg);
    cpSync(pkg, join(dir, 'node_modules', rel), {
      recursive: true,
      filter: (src) => {
        const inside = relative(root, src).split(sep).join('/');
        if (inside.startsWith('onnxruntime-node/bin/napi-v6/')) {
          // Only the target's folder (and the folders above it) of onnxruntime's binaries.
          if (!(ortBin.startsWith(inside) || inside.startsWith(`${ortBin}/`))) return false;
          if (unused.some((re) => re.test(inside.slice(ortBin.length + 1)))) return false;
        }
        // A nested node_modules is copied on its own when the closure holds it.
        return !relative(pkg, src).split(sep).includes('node_modules');
      },
    });
  }
  if (!existsSync(join(dir, ortBinaryDir(target), 'onnxruntime_binding.node')))
    throw new Error(`onnxruntime-node ships no ${ortBinaryDir(target)}`);

  // Platform packages: registry tarballs, integrity-checked, unpacked into node_modules.
  const unpacked = [];
  for (const { name, version } of platformPackages(target, root)) {
    const { file, integrity, cached } = fetchTarball(name, version, log);
    const into = join(dir, 'node_modules', ...name.split('/'));
    mkdirSync(into, { recursive: true });
    const tar = spawnSync('tar', ['-xzf', file, '-C', into, '--strip-components=1'], {
      encoding: 'utf8',
    });
    if (tar.status !== 0) throw new Error(`tar -xzf ${file}: ${tar.stderr}`);
    const got = JSON.parse(readFileSync(join(into, 'package.json'), 'utf8'));
    if (got.name !== name || got.version !== version)
      throw new Error(`${file} holds ${got.name}@${got.version}, not ${name}@${version}`);
    // What @ffmpeg-installer's postinstall does (chmod u+x ffmpeg): the binary must run.
    for (const binary of ['ffmpeg', 'ffmpeg.exe'])
      if (name.startsWith('@ffmpeg-installer/') && existsSync(join(into, binary)))
        chmodSync(join(into, binary), 0o755);
    log(
      `  ${name}@${version} ${integrity.slice(0, 19)}… ${cached ? 'cached' : 'fetched'}, verified`,
    );
    unpacked.push({ name, version, integrity });
  }
  return unpacked;
}
