// Decompression bombs: small files whose headers declare absurd dimensions. Each is made by
// patching the size fields of a valid seed, so only the declared size is hostile.
import type { Seed } from './seeds';

const HUGE = 0xffff;

/** CRC-32 as PNG chunks use it (zlib.crc32 needs Node 20.15; the project allows 20.9). */
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** PNG: IHDR width and height set to 65535 x 65535 (4.3 gigapixels), CRC recomputed. */
function pngBomb(png: Buffer): Buffer {
  const out = Buffer.from(png);
  // Signature (8), IHDR length (4), "IHDR" (4), then width and height (4 each).
  out.writeUInt32BE(HUGE, 16);
  out.writeUInt32BE(HUGE, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}

/** Skips a GIF extension's or image's data sub-blocks from `at`; returns the offset after them. */
function skipSubBlocks(gif: Buffer, at: number): number {
  while (at < gif.length && gif[at] !== 0) at += gif[at] + 1;
  return at + 1;
}

/**
 * GIF: the logical screen and the first image descriptor claim 65535 x 65535 (decoders size
 * the frame from the descriptor, so patching the screen alone would be ignored).
 */
function gifBomb(gif: Buffer): Buffer {
  const out = Buffer.from(gif);
  out.writeUInt16LE(HUGE, 6);
  out.writeUInt16LE(HUGE, 8);
  const packed = out[10];
  let at = 13 + (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
  while (at < out.length && out[at] === 0x21) at = skipSubBlocks(out, at + 2);
  if (out[at] !== 0x2c) throw new Error('gif seed: no image descriptor after the extensions');
  // Separator (1), left and top (2 each), then width and height (2 each).
  out.writeUInt16LE(HUGE, at + 5);
  out.writeUInt16LE(HUGE, at + 7);
  return out;
}

/** Every SOF0..SOF2 segment of JPEG data (also MJPEG frames) claims 65535 x 65535. */
function jpegBomb(jpeg: Buffer): Buffer {
  const out = Buffer.from(jpeg);
  for (let at = 0; at + 9 < out.length; at++) {
    if (out[at] !== 0xff || out[at + 1] < 0xc0 || out[at + 1] > 0xc2) continue;
    // Marker (2), length (2), precision (1), then height and width (2 each).
    out.writeUInt16BE(HUGE, at + 5);
    out.writeUInt16BE(HUGE, at + 7);
  }
  return out;
}

/** Lossy WebP: the VP8 frame header claims 16383 x 16383, the most 14 bits hold. */
function webpBomb(webp: Buffer): Buffer {
  const out = Buffer.from(webp);
  const start = out.indexOf(Buffer.from([0x9d, 0x01, 0x2a]));
  if (start < 0) throw new Error('webp seed has no VP8 key frame start code');
  out.writeUInt16LE(0x3fff, start + 3);
  out.writeUInt16LE(0x3fff, start + 5);
  return out;
}

/** The bombs made from these seeds: name, extension and bytes. */
export function makeBombs(seeds: Seed[]): { name: string; ext: string; bytes: Buffer }[] {
  const seed = (format: string) => seeds.find((s) => s.format === format)!.bytes;
  return [
    { name: 'png-65535x65535', ext: '.png', bytes: pngBomb(seed('png')) },
    { name: 'gif-65535x65535', ext: '.gif', bytes: gifBomb(seed('gif')) },
    { name: 'animated-gif-65535x65535', ext: '.gif', bytes: gifBomb(seed('animated-gif')) },
    { name: 'jpeg-65535x65535', ext: '.jpg', bytes: jpegBomb(seed('jpeg')) },
    { name: 'webp-16383x16383', ext: '.webp', bytes: webpBomb(seed('webp')) },
    { name: 'mjpeg-avi-65535x65535', ext: '.avi', bytes: jpegBomb(seed('avi')) },
  ];
}
