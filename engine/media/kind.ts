// Still image or video, decided from the file's bytes and never from its name: a .gif,
// .png or .webp may be either, and files are often misnamed. Formats that can animate are
// walked just far enough to count to two frames; formats that are always stills are
// images; everything else (MP4, Matroska, AVI, MPEG-TS, unknown bytes) is a video, and
// ffmpeg decides later whether it can read it.
import { sniffFormat, SNIFF_BYTES, type SniffedFormat } from '../ingest/file-sniff';
import { gifIsAnimated } from './gif';
import { MediaFile } from './media-file';
import { pngIsAnimated } from './png';
import { webpIsAnimated } from './webp';

export type MediaKind = 'image' | 'video';

const ANIMATION_TESTS: Partial<Record<SniffedFormat, (file: MediaFile) => Promise<boolean>>> = {
  gif: gifIsAnimated,
  png: pngIsAnimated,
  webp: webpIsAnimated,
};
const STILL_FORMATS: ReadonlySet<SniffedFormat | undefined> = new Set(['jpeg', 'bmp', 'tiff']);

async function kindOf(file: MediaFile): Promise<MediaKind> {
  const format = sniffFormat(await file.read(0, SNIFF_BYTES));
  const animationTest = format && ANIMATION_TESTS[format];
  if (animationTest) return (await animationTest(file)) ? 'video' : 'image';
  return STILL_FORMATS.has(format) ? 'image' : 'video';
}

/**
 * 'image' for a still picture (PNG, JPEG, WebP, GIF, BMP, TIFF of one frame), 'video' for
 * anything else. Throws an IngestError naming the path and the problem when the file is
 * missing, unreadable, empty, not a regular file (a directory, a FIFO: checked before
 * opening, so it never blocks), or a GIF without any image.
 */
export async function detectMediaKind(path: string): Promise<MediaKind> {
  const file = await MediaFile.open(path);
  try {
    return await kindOf(file);
  } finally {
    await file.close();
  }
}
