// Tells a still GIF from an animated one by walking its block structure (GIF89a spec):
// header, logical screen descriptor, optional global colour table, then extensions and
// images, each followed by data sub-blocks, until the trailer. Counting stops at the
// second image, so a long animation costs a read of its first frame only.
import { IngestError } from '../ingest/errors';
import { Cursor, MalformedData, type MediaFile } from './media-file';

const IMAGE_SEPARATOR = 0x2c;
const EXTENSION_INTRODUCER = 0x21;
const TRAILER = 0x3b;
/** "GIF89a" (6 bytes) and the logical screen descriptor (7 bytes). */
const HEADER_BYTES = 13;
/** Left, top, width, height (2 bytes each) and the packed field. */
const IMAGE_DESCRIPTOR_BYTES = 9;

/** Bytes of the colour table a packed field announces (bit 7: present; bits 0-2: size). */
function colourTableBytes(packed: number): number {
  return packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0;
}

/** Data sub-blocks: a size byte, that many bytes, …, until a zero size. */
async function skipSubBlocks(cursor: Cursor): Promise<void> {
  for (let size = await cursor.byte(); size !== 0; size = await cursor.byte()) cursor.skip(size);
}

async function skipImage(cursor: Cursor): Promise<void> {
  const descriptor = await cursor.take(IMAGE_DESCRIPTOR_BYTES);
  cursor.skip(colourTableBytes(descriptor[8]!) + 1); // + the LZW minimum code size
  await skipSubBlocks(cursor);
}

/** Walks the blocks, counting images in `seen`, until the second image or the trailer. */
async function countImages(cursor: Cursor, seen: { images: number }): Promise<void> {
  const header = await cursor.take(HEADER_BYTES);
  cursor.skip(colourTableBytes(header[10]!));
  for (;;) {
    const introducer = await cursor.byte();
    if (introducer === TRAILER) return;
    if (introducer === IMAGE_SEPARATOR) {
      if (++seen.images > 1) return;
      await skipImage(cursor);
    } else if (introducer === EXTENSION_INTRODUCER) {
      cursor.skip(1); // the extension's label
      await skipSubBlocks(cursor);
    } else {
      const at = cursor.position - 1;
      throw new MalformedData(`unknown block type 0x${introducer.toString(16)} at byte ${at}`);
    }
  }
}

/**
 * True for a GIF of more than one image. Damage after the first image reads as a still
 * (that image is what a viewer shows); a GIF without any image throws an IngestError.
 */
export async function gifIsAnimated(file: MediaFile): Promise<boolean> {
  const seen = { images: 0 };
  let problem = 'it ends before its first image';
  try {
    await countImages(new Cursor(file), seen);
  } catch (error) {
    if (!(error instanceof MalformedData)) throw error;
    problem = error.message;
  }
  if (seen.images === 0)
    throw new IngestError('corrupt', file.path, `GIF has no image frame (${problem})`);
  return seen.images > 1;
}
