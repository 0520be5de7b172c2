// An image's size read from its header, checked against the pixel limit before a single
// pixel is decoded: a 776 KB PNG can declare 16000x16000 pixels and take a gigabyte to
// decode. Every place an image enters (still-image streams, OCR, pasted and data-URL
// images) calls this first; sharp's own limitInputPixels stays on as a second guard.
import { open } from 'node:fs/promises';
import sharp from 'sharp';
import { IngestError } from './errors';
import { DEFAULT_MAX_PIXELS } from './limits';

/** The message every pixel-limit refusal uses. */
export function tooManyPixels(
  name: string,
  width: number,
  height: number,
  limit: number,
): IngestError {
  return new IngestError(
    'too-many-pixels',
    name,
    `image is ${width}x${height} = ${width * height} pixels, over the limit of ${limit} pixels`,
  );
}

/**
 * Throws an IngestError with code 'too-many-pixels' when the header declares more pixels
 * than `limit`. Input sharp cannot read (BMP, garbage) passes: its decoder reports what
 * is wrong with it.
 */
export async function checkImagePixels(
  input: string | Buffer,
  name = typeof input === 'string' ? input : `image (${input.length} bytes)`,
  limit = DEFAULT_MAX_PIXELS,
): Promise<void> {
  let size: { width?: number; height?: number };
  try {
    size = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    return;
  }
  const { width, height } = size;
  if (width && height && width * height > limit) throw tooManyPixels(name, width, height, limit);
}

/** GIF bytes 0-5: "GIF87a" or "GIF89a". */
function isGif(head: Buffer): boolean {
  return head.length >= 10 && /^GIF8[79]a$/.test(head.toString('latin1', 0, 6));
}

/** The first image descriptor's width and height, walking the blocks that fit in `head`. */
function gifFirstFrameSize(head: Buffer): { width: number; height: number } | undefined {
  const tableBytes = (packed: number): number =>
    packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0;
  let at = 13 + tableBytes(head[10] ?? 0);
  while (at < head.length) {
    const introducer = head[at];
    if (introducer === 0x2c) {
      if (at + 9 > head.length) return undefined;
      return { width: head.readUInt16LE(at + 5), height: head.readUInt16LE(at + 7) };
    }
    if (introducer !== 0x21) return undefined;
    at += 2; // the introducer and the extension's label
    for (let size = head[at]; size !== undefined && size !== 0; size = head[at]) at += size + 1;
    at += 1; // the zero block that ends the extension
  }
  return undefined;
}

/** The frame size in a JPEG's SOF segment (baseline, extended or progressive), from its SOI at `at`. */
function jpegFrameSize(head: Buffer, at: number): { width: number; height: number } | undefined {
  at += 2; // SOI
  while (at + 9 <= head.length && head[at] === 0xff) {
    const marker = head[at + 1]!;
    if (marker >= 0xc0 && marker <= 0xc2) {
      // Marker (2), length (2), precision (1), then height and width (2 each).
      return { width: head.readUInt16BE(at + 7), height: head.readUInt16BE(at + 5) };
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan data: no SOF before it
    at += 2 + head.readUInt16BE(at + 2);
  }
  return undefined;
}

/**
 * The sizes a RIFF AVI declares, when they fit in `head`: the `avih` main header's dwWidth
 * and dwHeight, and for MJPEG the first frame's own JPEG header in the `movi` list.
 */
function aviSizes(head: Buffer): { width: number; height: number }[] {
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF') return [];
  if (head.toString('latin1', 8, 12) !== 'AVI ') return [];
  const sizes: { width: number; height: number }[] = [];
  const avih = head.indexOf('avih', 12, 'latin1');
  // 'avih', its size, then 8 DWORDs before dwWidth and dwHeight.
  if (avih >= 0 && avih + 8 + 40 <= head.length) {
    sizes.push({
      width: head.readUInt32LE(avih + 8 + 32),
      height: head.readUInt32LE(avih + 8 + 36),
    });
  }
  const movi = head.indexOf('movi', 12, 'latin1');
  const soi = movi < 0 ? -1 : head.indexOf(Buffer.from([0xff, 0xd8, 0xff]), movi);
  const frame = soi < 0 ? undefined : jpegFrameSize(head, soi);
  if (frame) sizes.push(frame);
  return sizes;
}

/**
 * The picture sizes a GIF (its logical screen and first frame) or an AVI (its main
 * header and first MJPEG frame) declares in its first bytes: what ffmpeg would try to allocate per frame.
 */
export function declaredSizes(head: Buffer): { width: number; height: number }[] {
  if (isGif(head)) {
    const sizes = [{ width: head.readUInt16LE(6), height: head.readUInt16LE(8) }];
    const frame = gifFirstFrameSize(head);
    if (frame) sizes.push(frame);
    return sizes;
  }
  return aviSizes(head);
}

/** Bytes read from the front of a file to find the sizes declaredSizes looks for. */
const DECLARED_SIZE_HEAD_BYTES = 64 * 1024;

/**
 * Refuses a GIF or AVI whose header declares a picture over `limit` pixels, the way
 * checkImagePixels refuses a still image: ffmpeg reads these as video, and a 65535x65535
 * frame would otherwise fail deep in the decoder with a message that hides the cause.
 */
export async function checkDeclaredPixels(
  path: string,
  name = path,
  limit = DEFAULT_MAX_PIXELS,
): Promise<void> {
  let head: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(DECLARED_SIZE_HEAD_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return; // unreadable files are reported by the checks that open them
  }
  for (const { width, height } of declaredSizes(head)) {
    if (width * height > limit) throw tooManyPixels(name, width, height, limit);
  }
}
