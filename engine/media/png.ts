// Tells an animated PNG (APNG) from a still one: an APNG has an acTL (animation control)
// chunk before its first IDAT (image data) chunk, and acTL's first field is the number of
// frames. Chunks are skipped by their length, so only chunk headers are read.
import { Cursor, MalformedData, type MediaFile } from './media-file';

const SIGNATURE_BYTES = 8;
/** Length, type, … data …, CRC: the CRC's 4 bytes follow the data. */
const CRC_BYTES = 4;
const CHUNK_TYPE = /^[A-Za-z]{4}$/;

/**
 * True when an acTL before the image data announces more than one frame (a one-frame APNG
 * is a still). Damaged chunks read as a still: the image loader reports the damage.
 */
export async function pngIsAnimated(file: MediaFile): Promise<boolean> {
  const cursor = new Cursor(file, SIGNATURE_BYTES);
  try {
    for (;;) {
      const header = await cursor.take(8);
      const length = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      if (type === 'IDAT' || type === 'IEND' || !CHUNK_TYPE.test(type)) return false;
      if (type === 'acTL') return (await cursor.take(4)).readUInt32BE(0) > 1;
      cursor.skip(length + CRC_BYTES);
    }
  } catch (error) {
    if (error instanceof MalformedData) return false;
    throw error;
  }
}
