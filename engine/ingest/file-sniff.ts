// The one table of media signatures in the engine: which format a file's first bytes
// claim. Used to tell apart what ffmpeg reports with one message ("Invalid data found"):
// a file that is not media at all, one that was cut short, or one that is damaged; and by
// engine/media to decide from the content whether a file is a still image or a video.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export type SniffedFormat =
  | 'mp4'
  | 'matroska'
  | 'avi'
  | 'mpeg-ts'
  | 'gif'
  | 'png'
  | 'webp'
  | 'jpeg'
  | 'bmp'
  | 'tiff';

/** Bytes sniffFormat looks at: an MPEG-TS packet is 188 bytes, the next one's sync byte tells. */
export const SNIFF_BYTES = 189;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** BITMAPINFOHEADER sizes of the BMP versions (core, OS/2 2, v1-v5). */
const BMP_INFO_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124]);

const ascii = (head: Buffer, at: number, text: string) =>
  head.toString('latin1', at, at + text.length) === text;

/** "BM", then at byte 14 the size of a known BMP info header (24+ bytes seen). */
function isBmp(head: Buffer): boolean {
  return head.length >= 26 && ascii(head, 0, 'BM') && BMP_INFO_SIZES.has(head.readUInt32LE(14));
}

/** Each format with the name messages use and its test on the first bytes. */
const SIGNATURES: Array<[SniffedFormat, string, (head: Buffer) => boolean]> = [
  ['mp4', 'MP4/MOV', (h) => ascii(h, 4, 'ftyp')],
  ['matroska', 'Matroska/WebM', (h) => h.length >= 4 && h.readUInt32BE(0) === 0x1a45dfa3],
  ['avi', 'AVI', (h) => ascii(h, 0, 'RIFF') && ascii(h, 8, 'AVI ')],
  ['webp', 'WebP', (h) => ascii(h, 0, 'RIFF') && ascii(h, 8, 'WEBP')],
  ['gif', 'GIF', (h) => ascii(h, 0, 'GIF87a') || ascii(h, 0, 'GIF89a')],
  ['png', 'PNG', (h) => h.subarray(0, 8).equals(PNG_SIGNATURE)],
  ['jpeg', 'JPEG', (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff],
  ['bmp', 'BMP', isBmp],
  ['tiff', 'TIFF', (h) => ascii(h, 0, 'II*\0') || ascii(h, 0, 'MM\0*')],
  ['mpeg-ts', 'MPEG-TS', (h) => h[0] === 0x47 && h[188] === 0x47],
];

/** The format the first bytes of a file claim (give SNIFF_BYTES of them), or undefined. */
export function sniffFormat(head: Buffer): SniffedFormat | undefined {
  return signatureOf(head)?.[0];
}

function signatureOf(head: Buffer) {
  return SIGNATURES.find(([, , matches]) => matches(head));
}

/** O_NONBLOCK: these run on files ffmpeg failed on, which may have been swapped for a FIFO. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

function readAt(path: string, position: number, length: number): Buffer {
  const fd = openSync(path, READ_FLAGS);
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, position);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** The name, for messages, of the container a file's first bytes claim, or undefined. */
export function sniffContainer(path: string): string | undefined {
  try {
    const head = readAt(path, 0, SNIFF_BYTES);
    if (head.length < 8) return undefined;
    return signatureOf(head)?.[1];
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
    fd = openSync(path, READ_FLAGS);
    const stats = fstatSync(fd);
    if (!stats.isFile()) return false;
    const size = stats.size;
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
