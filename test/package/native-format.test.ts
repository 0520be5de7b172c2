// The header parser behind scripts/check-vsix.mjs, on hand-made headers of each format and
// architecture, and on the real binaries installed for this machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, nativeFormat } from '../../scripts/vsix/native.mjs';
import { elf, macho, pe } from './headers';

const root = join(__dirname, '..', '..');

function fat(cpus: number[]): Buffer {
  const b = Buffer.alloc(8 + cpus.length * 20);
  b.writeUInt32BE(0xcafebabe, 0);
  b.writeUInt32BE(cpus.length, 4);
  cpus.forEach((cpu, i) => b.writeUInt32BE(cpu, 8 + i * 20));
  return b;
}

test('ELF: e_machine 0x3E is x86-64, 0xB7 is aarch64', () => {
  assert.equal(describe(nativeFormat(elf(0x3e))!), 'ELF x86-64');
  assert.equal(describe(nativeFormat(elf(0xb7))!), 'ELF aarch64');
  assert.equal(describe(nativeFormat(elf(0x1234))!), 'ELF 0x1234');
});

test('PE: MZ, e_lfanew, PE\\0\\0, Machine 0x8664 is x64 and 0xAA64 is ARM64', () => {
  assert.equal(describe(nativeFormat(pe(0x8664))!), 'PE x64');
  assert.equal(describe(nativeFormat(pe(0xaa64, 0x100))!), 'PE ARM64');
  const broken = pe(0x8664);
  broken.write('XX', 0x80, 'latin1');
  assert.equal(nativeFormat(broken), null, 'MZ without a PE header is not a binary');
});

test('Mach-O: cputype 0x0100000C is arm64, with its load commands; fat files list slices', () => {
  const thin = nativeFormat(macho(0x0100000c, ['@rpath/libonnxruntime.1.dylib'], '@loader_path'))!;
  assert.equal(describe(thin), 'Mach-O arm64');
  assert.deepEqual(thin.loads, ['@rpath/libonnxruntime.1.dylib']);
  assert.deepEqual(thin.rpaths, ['@loader_path']);
  assert.equal(thin.truncated, false);
  assert.equal(describe(nativeFormat(macho(0x01000007, ['x'], 'y'))!), 'Mach-O x86_64');
  const universal = nativeFormat(fat([0x01000007, 0x0100000c]))!;
  assert.equal(describe(universal), 'Mach-O fat x86_64+arm64');
  assert.deepEqual(universal.archs, ['x86_64', 'arm64']);
});

test('text, JavaScript, PNG and ONNX files are not native binaries', () => {
  for (const bytes of [
    Buffer.from('#!/usr/bin/env node\n'),
    Buffer.from('module.exports = {}'),
    readFileSync(join(root, 'media', 'icon.png')),
    Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]), // a Java class file, not fat Mach-O
  ])
    assert.equal(nativeFormat(bytes), null);
});

test("the installed onnxruntime-node binaries read as each platform's format", () => {
  const bin = join(root, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6');
  const expected: Record<string, string> = {
    'linux/x64': 'ELF x86-64',
    'linux/arm64': 'ELF aarch64',
    'darwin/arm64': 'Mach-O arm64',
    'win32/x64': 'PE x64',
    'win32/arm64': 'PE ARM64',
  };
  for (const [dir, format] of Object.entries(expected)) {
    const binding = readFileSync(join(bin, dir, 'onnxruntime_binding.node')).subarray(0, 65536);
    assert.equal(describe(nativeFormat(binding)!), format, dir);
  }
  assert.deepEqual(readdirSync(join(bin, 'darwin')), ['arm64'], 'no darwin/x64 build ships');
});
