// Looks at a file's bytes to tell apart what ffmpeg reports with one message ("Invalid
// data found"): a file that is not media at all, one that was cut short, or one that is
// damaged.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** First bytes of common media containers and images. */
const MEDIA_SIGNATURES: Array<[string, (head: Buffer) => boolean]> = [
  ['MP4/MOV', (h) => h.subarray(4, 8).toString('latin1') === 'ftyp'],
  ['Matroska/WebM', (h) => h.readUInt32BE(0) === 0x1a45dfa3],
  ['AVI', (h) => h.subarray(0, 4).toString('latin1') === 'RIFF'],
  ['GIF', (h) => h.subarray(0, 4).toString('latin1') === 'GIF8'],
  ['PNG', (h) => h.readUInt32BE(0) === 0x89504e47],
  ['JPEG', (h) => h[0] === 0xff && h[1] === 0xd8],
  ['MPEG-TS', (h) => h[0] === 0x47 && h[188] === 0x47],
];

function readAt(path: string, position: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, position);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** The container a file's first bytes claim, or undefined. */
export function sniffContainer(path: string): string | undefined {
  try {
    const head = readAt(path, 0, 189);
    if (head.length < 8) return undefined;
    return MEDIA_SIGNATURES.find(([, matches]) => matches(head))?.[0];
  } catch {
    return undefined;
  }
}

const BOX_TYPE = /^[a-z0-9 ]{4}$/i;

/**
 * True when an MP4's top-level boxes are well formed up to where the file ends, i.e. it
 * was cut short (a recording interrupted before its index was written); false when a
 * box header is garbage (the file is damaged).
 */
export function mp4EndsEarly(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const header = Buffer.alloc(16);
    let position = 0;
    while (position + 8 <= size) {
      readSync(fd, header, 0, 16, position);
      const type = header.subarray(4, 8).toString('latin1');
      if (!BOX_TYPE.test(type)) return false;
      let boxSize = header.readUInt32BE(0);
      if (boxSize === 1) boxSize = Number(header.readBigUInt64BE(8));
      if (boxSize === 0) return true; // "to the end of the file": a writer that never finished
      if (boxSize < 8) return false;
      position += boxSize;
    }
    // Well-formed boxes up to the end, and still no index: cut short.
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
