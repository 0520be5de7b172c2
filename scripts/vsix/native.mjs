// Reads the format and architecture of a native binary from its header bytes, never from
// its name: ELF (e_machine), Mach-O (cputype; fat files list every slice) and PE (the COFF
// Machine field behind 'MZ' -> e_lfanew -> 'PE\0\0'). For Mach-O it also lists the libraries
// the file loads (LC_LOAD_DYLIB and kin) and its LC_RPATH entries.

const ELF_MACHINES = {
  0x03: 'i386',
  0x14: 'ppc',
  0x15: 'ppc64',
  0x16: 's390',
  0x28: 'arm',
  0x3e: 'x86-64',
  0xb7: 'aarch64',
  0xf3: 'riscv',
};
const MACHO_CPUS = {
  0x00000007: 'i386',
  0x01000007: 'x86_64',
  0x0000000c: 'arm',
  0x0100000c: 'arm64',
  0x0200000c: 'arm64_32',
  0x01000012: 'ppc64',
};
const PE_MACHINES = { 0x014c: 'x86', 0x01c4: 'ARMNT', 0x8664: 'x64', 0xaa64: 'ARM64' };

const LC_LOADS = new Set([0xc, 0x80000018, 0x8000001f, 0x80000023]);
const LC_RPATH = 0x8000001c;

const hex = (n) => `0x${n.toString(16).toUpperCase()}`;

function cString(buf, start, end) {
  const stop = buf.indexOf(0, start);
  return buf.toString('utf8', start, stop === -1 || stop > end ? end : stop);
}

/** The load commands of a thin Mach-O image starting at `base`, as far as `buf` reaches. */
function machoLoads(buf, base, is64) {
  const loads = [];
  const rpaths = [];
  let truncated = false;
  if (buf.length < base + 28) return { loads, rpaths, truncated: true };
  const ncmds = buf.readUInt32LE(base + 16);
  let at = base + (is64 ? 32 : 28);
  for (let i = 0; i < ncmds; i++) {
    if (at + 8 > buf.length) {
      truncated = true;
      break;
    }
    const cmd = buf.readUInt32LE(at);
    const size = buf.readUInt32LE(at + 4);
    if (size < 8 || at + size > buf.length) {
      truncated = true;
      break;
    }
    if (LC_LOADS.has(cmd) || cmd === LC_RPATH) {
      const text = cString(buf, at + buf.readUInt32LE(at + 8), at + size);
      (cmd === LC_RPATH ? rpaths : loads).push(text);
    }
    at += size;
  }
  return { loads, rpaths, truncated };
}

/**
 * The native format of a file from its first bytes (a few KiB suffice; Mach-O load commands
 * need the whole command area), or null when it is not a native binary.
 * @param {Buffer} buf
 * @returns {null | { format: 'ELF' | 'Mach-O' | 'PE', arch: string, archs: string[],
 *   bits?: number, loads?: string[], rpaths?: string[], truncated?: boolean }}
 */
export function nativeFormat(buf) {
  if (buf.length >= 20 && buf.readUInt32BE(0) === 0x7f454c46) {
    const le = buf[5] === 1;
    const machine = le ? buf.readUInt16LE(18) : buf.readUInt16BE(18);
    const arch = ELF_MACHINES[machine] ?? hex(machine);
    return { format: 'ELF', arch, archs: [arch], bits: buf[4] === 2 ? 64 : 32 };
  }
  if (buf.length >= 8) {
    const magic = buf.readUInt32LE(0);
    if (magic === 0xfeedfacf || magic === 0xfeedface) {
      const cpu = buf.readUInt32LE(4);
      const arch = MACHO_CPUS[cpu] ?? hex(cpu);
      const is64 = magic === 0xfeedfacf;
      return {
        format: 'Mach-O',
        arch,
        archs: [arch],
        bits: is64 ? 64 : 32,
        ...machoLoads(buf, 0, is64),
      };
    }
    // Fat (universal) Mach-O: big-endian header, then one fat_arch (20 bytes; fat_arch_64:
    // 32) per slice. Java class files share 0xCAFEBABE, but their next field is far above
    // any plausible slice count.
    const fat = buf.readUInt32BE(0);
    if (fat === 0xcafebabe || fat === 0xcafebabf) {
      const count = buf.readUInt32BE(4);
      const stride = fat === 0xcafebabf ? 32 : 20;
      if (count > 0 && count <= 16 && buf.length >= 8 + count * stride) {
        const archs = [];
        for (let i = 0; i < count; i++) {
          const cpu = buf.readUInt32BE(8 + i * stride);
          archs.push(MACHO_CPUS[cpu] ?? hex(cpu));
        }
        return { format: 'Mach-O', arch: archs.join('+'), archs, fat: true };
      }
    }
  }
  if (buf.length >= 0x40 && buf[0] === 0x4d && buf[1] === 0x5a) {
    const peAt = buf.readUInt32LE(0x3c);
    if (peAt + 6 <= buf.length && buf.readUInt32BE(peAt) === 0x50450000) {
      const machine = buf.readUInt16LE(peAt + 4);
      const arch = PE_MACHINES[machine] ?? hex(machine);
      return { format: 'PE', arch, archs: [arch] };
    }
  }
  return null;
}

/** The format and architecture every native file of a target must have, e.g. 'ELF x86-64'. */
export function describe(native) {
  return `${native.format}${native.fat ? ' fat' : ''} ${native.arch}`;
}

/** A file that, by its name, should be a native binary (so an unreadable one is an error). */
export const NATIVE_NAME = /(\.node|\.so(\.\d+)*|\.dylib|\.dll|\.exe)$|(^|\/)ffmpeg$/;
