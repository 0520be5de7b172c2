// One place that turns what a decoder (libvips through sharp, or ffmpeg) said into a plain
// problem a user can act on, with the decoder's own words kept in brackets as the detail.
import { IngestError } from './errors';

/**
 * The decoder's detail, cut to one line: sharp's "Input file has corrupt header:" wrapper
 * and the "vipspng:"/"VipsJpeg:"/"gifload:"/"webp:" loader prefixes dropped, a multi-line
 * vips message collapsed to its first distinct non-empty line.
 */
export function decoderDetail(message: string): string {
  const lines = message
    .replace(
      /^\s*Input (file|buffer) (has corrupt header|is missing|contains unsupported image format):?\s*/i,
      '',
    )
    .split('\n')
    .map((line) =>
      line
        .replace(
          /^\s*(vips\w*|VipsJpeg|gifload|webp|heifload|tiff\w*|pngload|jpegload)\s*:\s*/i,
          '',
        )
        .replace(/^file:\S*?:\s*/, '')
        .trim(),
    )
    .filter((line) => line.length > 0);
  return lines[0] ?? '';
}

const CUT =
  /premature end|truncated|unexpected end|read error|not enough data|EOF|end of file|partial file|datastream contains no image/i;

/** "the image is damaged or cut short (libpng read error)" for a still image sharp could not decode. */
export function imageDecodeProblem(message: string): string {
  const detail = decoderDetail(message);
  return `the image is damaged or cut short${detail ? ` (${detail})` : ''}`;
}

/** The IngestError for an image sharp could not decode: 'truncated' when it ran out of data. */
export function imageDecodeError(source: string, error: unknown): IngestError {
  const message = error instanceof Error ? error.message : String(error);
  return new IngestError(
    CUT.test(message) ? 'truncated' : 'corrupt',
    source,
    imageDecodeProblem(message),
  );
}

/** "the video is damaged: ffmpeg cannot read it (Invalid argument)" for a local file ffmpeg gave up on. */
export function videoDecodeProblem(line: string): string {
  const detail = decoderDetail(line);
  return `the video is damaged: ffmpeg cannot read it${detail ? ` (${detail})` : ''}`;
}
