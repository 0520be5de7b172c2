// Hand-made native file headers for the package checks: just enough of an ELF, a PE and a
// 64-bit Mach-O for the header parser to read their format, architecture and load commands.

export function elf(machine: number): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2; // 64-bit
  b[5] = 1; // little-endian
  b.writeUInt16LE(machine, 18);
  return b;
}

export function pe(machine: number, at = 0x80): Buffer {
  const b = Buffer.alloc(at + 24);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(at, 0x3c);
  b.write('PE\0\0', at, 'latin1');
  b.writeUInt16LE(machine, at + 4);
  return b;
}

/** A 64-bit Mach-O with one LC_RPATH and an LC_LOAD_DYLIB per library. */
export function macho(cpu: number, loads: string[], rpath: string): Buffer {
  const command = (cmd: number, text: string) => {
    const size = Math.ceil((12 + text.length + 1) / 8) * 8;
    const c = Buffer.alloc(size);
    c.writeUInt32LE(cmd, 0);
    c.writeUInt32LE(size, 4);
    c.writeUInt32LE(12, 8);
    c.write(text, 12, 'utf8');
    return c;
  };
  const cmds = [command(0x8000001c, rpath), ...loads.map((l) => command(0xc, l))];
  const header = Buffer.alloc(32);
  header.writeUInt32LE(0xfeedfacf, 0);
  header.writeUInt32LE(cpu, 4);
  header.writeUInt32LE(cmds.length, 16);
  header.writeUInt32LE(
    cmds.reduce((s, c) => s + c.length, 0),
    20,
  );
  return Buffer.concat([header, ...cmds]);
}
