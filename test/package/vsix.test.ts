// The .vsix of every supported target, built on this machine by `scripts/package.mjs --all`
// into out/test-package/ (VLM_PACKAGE_REUSE=1 reuses the last build), then: each passes
// scripts/check-vsix.mjs (the report is printed: size, where the space goes, each native
// file's format read from its header); `vsce ls` lists exactly the allowlisted files, which
// are exactly the .vsix's; the manifest is the Marketplace one; and the package for this
// machine loads sharp, onnxruntime and ffmpeg from the unpacked .vsix.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkVsix, extractVsix, formatReport, readEntries } from '../../scripts/check-vsix.mjs';
import { TARGETS, vsixName } from '../../scripts/vsix/targets.mjs';

const root = join(__dirname, '..', '..');
const work = join(root, 'out', 'test-package');
const vsixDir = join(work, 'vsix');
const stagingDir = join(work, 'staging');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const targets = Object.keys(TARGETS) as (keyof typeof TARGETS)[];
const vsixOf = (t: string) => join(vsixDir, vsixName(t, manifest));
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');

before(() => {
  const built = targets.every((t) => existsSync(vsixOf(t)) && existsSync(join(stagingDir, t)));
  if (built && process.env.VLM_PACKAGE_REUSE === '1') return;
  const started = Date.now();
  const r = spawnSync(
    process.execPath,
    [
      'scripts/package.mjs',
      '--all',
      '--out-dir',
      vsixDir,
      '--work-dir',
      stagingDir,
      '--keep-staging',
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
  );
  if (r.status !== 0)
    throw new Error(`scripts/package.mjs --all failed:\n${(r.stdout + r.stderr).slice(-6000)}`);
  console.log(`built ${targets.length} targets in ${((Date.now() - started) / 1000).toFixed(0)} s`);
});

test('every target has a .vsix that passes scripts/check-vsix.mjs', async () => {
  for (const target of targets) {
    const report = await checkVsix(vsixOf(target), target);
    console.log(formatReport(report));
    assert.deepEqual(report.problems, [], target);
    assert.ok(report.natives.length >= 4, `${target}: native files found`);
  }
});

/**
 * The files a target's package may hold, each rule with at least one file: stated here on
 * its own, so a change to the generated .vscodeignore shows up as a test failure.
 */
function allowlist(target: keyof typeof TARGETS): [string, RegExp][] {
  const { os, arch, ffmpeg } = TARGETS[target];
  const rules: [string, RegExp][] = [
    ['manifest, README, CHANGELOG, LICENSE', /^(package\.json|README\.md|CHANGELOG\.md|LICENSE)$/],
    ['the client and server bundles', /^dist\/(client|server)\.js$/],
    ['webview scripts, styles and icons', /^media\/[^/]+\.(js|css|svg|png)$/],
    [
      "onnxruntime-node with only this target's binaries",
      new RegExp(
        `^node_modules/onnxruntime-node/(package\\.json|dist/[^/]+\\.js|bin/napi-v6/${os}/${arch}/[^/]+)$`,
      ),
    ],
    [
      'onnxruntime-common (JavaScript only)',
      /^node_modules\/onnxruntime-common\/(package\.json|dist\/cjs\/(.+\.js|package\.json))$/,
    ],
    ['sharp (CommonJS build)', /^node_modules\/sharp\/(package\.json|LICENSE|dist\/[^/]+\.cjs)$/],
    [`@img/sharp-${os}-${arch}`, new RegExp(`^node_modules/@img/sharp-${os}-${arch}/.+$`)],
    ["sharp's JavaScript dependencies", /^node_modules\/(@img\/colour|detect-libc|semver)\/.+$/],
    ['the OCR models', /^node_modules\/@gutenye\/ocr-models\/.+$/],
  ];
  if (os !== 'win32')
    rules.push([
      `@img/sharp-libvips-${os}-${arch}`,
      new RegExp(`^node_modules/@img/sharp-libvips-${os}-${arch}/.+$`),
    ]);
  if (ffmpeg)
    rules.push(
      [
        '@ffmpeg-installer/ffmpeg (its loader)',
        /^node_modules\/@ffmpeg-installer\/ffmpeg\/(package\.json|index\.js|lib\/verify-file\.js)$/,
      ],
      [
        `@ffmpeg-installer/${os}-${arch}`,
        new RegExp(`^node_modules/@ffmpeg-installer/${os}-${arch}/.+$`),
      ],
    );
  return rules;
}

test('vsce ls lists exactly the allowlisted files, and the .vsix holds exactly those', async () => {
  const media = readdirSync(join(root, 'media')).sort();
  for (const target of targets) {
    const r = spawnSync(process.execPath, [vsce, 'ls'], {
      cwd: join(stagingDir, target),
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const listed = r.stdout.split('\n').filter(Boolean).sort();
    const rules = allowlist(target);
    const outside = listed.filter((f) => !rules.some(([, re]) => re.test(f)));
    assert.deepEqual(outside, [], `${target}: files outside the allowlist`);
    for (const [what, re] of rules)
      assert.ok(
        listed.some((f) => re.test(f)),
        `${target}: nothing listed for ${what}`,
      );
    const listedMedia = listed.filter((f) => f.startsWith('media/')).map((f) => f.slice(6));
    assert.deepEqual(listedMedia, media, `${target}: media/ ships as it is`);

    // vsce renames the readme, changelog and license inside the package.
    const renamed: Record<string, string> = {
      'README.md': 'readme.md',
      'CHANGELOG.md': 'changelog.md',
      LICENSE: 'LICENSE.txt',
    };
    const packed = (await readEntries(vsixOf(target)))
      .map((e) => e.name)
      .filter((n) => n.startsWith('extension/'))
      .map((n) => n.slice('extension/'.length))
      .sort();
    assert.deepEqual(
      packed,
      listed.map((f) => renamed[f] ?? f).sort(),
      `${target}: .vsix = vsce ls`,
    );
  }
});

test('the packaged manifest: workspace extension, Marketplace fields, no npm-only fields', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlm-vsix-manifest-'));
  try {
    await extractVsix(vsixOf('linux-arm64'), dir);
    const packaged = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    assert.deepEqual(packaged.extensionKind, ['workspace']);
    assert.equal(packaged.icon, 'media/icon.png');
    assert.ok(packaged.galleryBanner?.color);
    assert.ok(packaged.categories.length > 0 && packaged.keywords.length > 0);
    assert.equal(packaged.license, 'MIT');
    for (const field of ['scripts', 'devDependencies', 'bin', 'files', 'private'])
      assert.equal(packaged[field], undefined, `${field} is not shipped`);
    assert.deepEqual(packaged.contributes, manifest.contributes);
    const png = readFileSync(join(dir, 'media', 'icon.png'));
    assert.equal(png.readUInt32BE(16), 128, 'icon width');
    assert.equal(png.readUInt32BE(20), 128, 'icon height');
    assert.match(readFileSync(join(dir, 'readme.md'), 'utf8'), /## Privacy/);
    const winManifest = (await readEntries(vsixOf('win32-arm64'))).find(
      (e) => e.name === 'extension/package.json',
    );
    const win = JSON.parse(winManifest!.head.toString('utf8'));
    assert.equal(
      win.dependencies['@ffmpeg-installer/ffmpeg'],
      undefined,
      'no ffmpeg on win32-arm64',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("this machine's package loads sharp, onnxruntime and ffmpeg from the unpacked .vsix", async (t) => {
  const host = `${process.platform}-${process.arch}`;
  if (!(host in TARGETS)) return t.skip(`no package for ${host}`);
  const dir = mkdtempSync(join(tmpdir(), 'vlm-vsix-'));
  try {
    await extractVsix(vsixOf(host), dir);
    const probe = `
      const { join } = require('node:path');
      const { spawnSync } = require('node:child_process');
      const ext = process.argv[1];
      const need = (name) => require(join(ext, 'node_modules', name));
      (async () => {
        const sharp = need('sharp');
        const meta = await sharp(process.argv[2]).metadata();
        const ort = need('onnxruntime-node');
        const models = join(ext, 'node_modules', '@gutenye', 'ocr-models', 'assets');
        const session = await ort.InferenceSession.create(join(models, 'ch_PP-OCRv4_det_infer.onnx'));
        const ffmpeg = need('@ffmpeg-installer/ffmpeg').path;
        const version = spawnSync(ffmpeg, ['-version'], { encoding: 'utf8' }).stdout.split('\\n')[0];
        console.log(JSON.stringify({ width: meta.width, inputs: session.inputNames, ffmpeg, version }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const png = join(root, 'test', 'fixtures', 'real', 'tabby-ssh-session.png');
    const r = spawnSync(process.execPath, ['-e', probe, dir, png], {
      encoding: 'utf8',
      cwd: tmpdir(),
    });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout);
    assert.equal(got.width, 2094);
    assert.ok(got.inputs.length > 0);
    assert.ok(got.ffmpeg.startsWith(dir), `ffmpeg from the package: ${got.ffmpeg}`);
    assert.match(got.version, /^ffmpeg version/);
    console.log(
      `${host}: sharp, onnxruntime (OCR model loaded) and ${got.version} run from the .vsix`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
