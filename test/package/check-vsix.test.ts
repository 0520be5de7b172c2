// scripts/check-vsix.mjs on small hand-made packages: what it must refuse (a binary of the
// wrong architecture, a file of another platform, a wrong TargetPlatform, a binary it cannot
// read, a missing binary, an @rpath library that is not inside) and what it accepts.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkVsix } from '../../scripts/check-vsix.mjs';
import { elf, macho } from './headers';
import { writeZip } from './zip.mjs';

const dir = mkdtempSync(join(tmpdir(), 'vlm-check-vsix-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const manifest = (target: string) =>
  `<PackageManifest><Metadata><Identity Id="vlm-stream" TargetPlatform="${target}"/></Metadata></PackageManifest>`;

const ort = (os: string, arch: string) =>
  `extension/node_modules/onnxruntime-node/bin/napi-v6/${os}/${arch}`;

/** The binaries a linux-x64 package must hold, with the given ELF machine. */
function linuxFiles(machine = 0x3e) {
  return [
    { name: `${ort('linux', 'x64')}/onnxruntime_binding.node`, data: elf(machine) },
    {
      name: 'extension/node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64-0.35.5.node',
      data: elf(0x3e),
    },
    {
      name: 'extension/node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.18.7',
      data: elf(0x3e),
    },
    {
      name: 'extension/node_modules/@ffmpeg-installer/linux-x64/ffmpeg',
      data: elf(0x3e),
      mode: 0o100755,
    },
  ];
}

async function check(
  name: string,
  files: { name: string; data: Buffer | string; mode?: number }[],
  target: string,
) {
  const file = join(dir, name);
  await writeZip(file, files);
  return checkVsix(file, target);
}

test('a well-formed linux-x64 package passes', async () => {
  const r = await check(
    'ok.vsix',
    [{ name: 'extension.vsixmanifest', data: manifest('linux-x64') }, ...linuxFiles()],
    'linux-x64',
  );
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.natives.map((n) => n.verified),
    ['ELF x86-64', 'ELF x86-64', 'ELF x86-64', 'ELF x86-64'],
  );
});

test('an aarch64 binary in the linux-x64 package is refused, whatever its path says', async () => {
  const r = await check(
    'arch.vsix',
    [{ name: 'extension.vsixmanifest', data: manifest('linux-x64') }, ...linuxFiles(0xb7)],
    'linux-x64',
  );
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0], /onnxruntime_binding\.node: ELF aarch64, expected ELF x86-64/);
});

test("another platform's files, a wrong TargetPlatform and unreadable binaries are refused", async () => {
  const r = await check(
    'foreign.vsix',
    [
      { name: 'extension.vsixmanifest', data: manifest('linux-arm64') },
      ...linuxFiles(),
      { name: 'extension/node_modules/@img/sharp-win32-x64/package.json', data: '{}' },
      { name: `${ort('darwin', 'arm64')}/README.md`, data: 'text' },
      { name: 'extension/node_modules/x/lib/broken.node', data: 'not a binary' },
    ],
    'linux-x64',
  );
  const problems = r.problems.join('\n');
  assert.match(problems, /TargetPlatform is linux-arm64, not linux-x64/);
  assert.match(problems, /sharp-win32-x64\/package\.json: a win32-x64 file/);
  assert.match(problems, /napi-v6\/darwin\/arm64\/README\.md: a darwin-arm64 file/);
  assert.match(problems, /broken\.node: named like a native binary but no ELF\/Mach-O\/PE header/);
});

test('missing binaries and a non-executable ffmpeg are refused', async () => {
  const files = linuxFiles().slice(0, 1);
  files.push({ ...linuxFiles()[3], mode: 0o100644 });
  const r = await check(
    'missing.vsix',
    [{ name: 'extension.vsixmanifest', data: manifest('linux-x64') }, ...files],
    'linux-x64',
  );
  const problems = r.problems.join('\n');
  assert.match(problems, /no sharp binding/);
  assert.match(problems, /no libvips/);
  assert.match(problems, /ffmpeg: not executable/);
});

test('a Mach-O @rpath library must resolve, through LC_RPATH, to a file in the package', async () => {
  const dir = ort('darwin', 'arm64');
  const base = [
    { name: 'extension.vsixmanifest', data: manifest('darwin-arm64') },
    {
      name: 'extension/node_modules/@img/sharp-darwin-arm64/lib/sharp-darwin-arm64-0.35.5.node',
      data: macho(0x0100000c, [], '@loader_path'),
    },
    {
      name: 'extension/node_modules/@img/sharp-libvips-darwin-arm64/lib/libvips-cpp.8.18.7.dylib',
      data: macho(0x0100000c, [], '@loader_path'),
    },
    {
      name: 'extension/node_modules/@ffmpeg-installer/darwin-arm64/ffmpeg',
      data: macho(0x0100000c, ['/usr/lib/libSystem.B.dylib'], '@loader_path'),
      mode: 0o100755,
    },
    {
      name: `${dir}/onnxruntime_binding.node`,
      data: macho(
        0x0100000c,
        ['@rpath/libonnxruntime.1.dylib', '/usr/lib/libc++.1.dylib'],
        '@loader_path',
      ),
    },
  ];
  const missing = await check('rpath-missing.vsix', base, 'darwin-arm64');
  assert.deepEqual(missing.problems, [
    `${dir}/onnxruntime_binding.node loads @rpath/libonnxruntime.1.dylib, which is not in the package`,
  ]);
  const present = await check(
    'rpath-ok.vsix',
    [
      ...base,
      { name: `${dir}/libonnxruntime.1.dylib`, data: macho(0x0100000c, [], '@loader_path') },
    ],
    'darwin-arm64',
  );
  assert.deepEqual(present.problems, []);
});
