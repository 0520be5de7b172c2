// Tells an animated WebP from a still one. After the RIFF header ("RIFF", size, "WEBP")
// come chunks: a still is a VP8 (lossy) or VP8L (lossless) bitstream, maybe after a VP8X
// (extended header) chunk; an animation has VP8X with its animation flag set, then ANIM
// and one ANMF chunk per frame.
import { Cursor, MalformedData, type MediaFile } from './media-file';

const RIFF_HEADER_BYTES = 12;
/** In VP8X's first byte: bits 7-6 reserved, ICC, alpha, EXIF, XMP, animation, reserved. */
const ANIMATION_FLAG = 0x02;

/** True when VP8X flags animation or an ANIM/ANMF chunk comes before any still bitstream. */
export async function webpIsAnimated(file: MediaFile): Promise<boolean> {
  const cursor = new Cursor(file, RIFF_HEADER_BYTES);
  try {
    for (;;) {
      const header = await cursor.take(8);
      const type = header.toString('latin1', 0, 4);
      const size = header.readUInt32LE(4);
      if (type === 'ANIM' || type === 'ANMF') return true;
      if (type === 'VP8 ' || type === 'VP8L') return false;
      const start = cursor.position;
      if (type === 'VP8X' && (await cursor.byte()) & ANIMATION_FLAG) return true;
      cursor.position = start + size + (size & 1); // chunks are padded to an even size
    }
  } catch (error) {
    if (error instanceof MalformedData) return false; // the image loader reports the damage
    throw error;
  }
}
