// Turns what ffmpeg printed when it failed into one IngestError that names the problem.
import { openSync, readSync, closeSync } from 'node:fs';
import { IngestError } from './errors';

/** First bytes of common media containers and images, to tell "corrupt" from "not media". */
const MEDIA_SIGNATURES: Array<[string, (head: Buffer) => boolean]> = [
  ['MP4/MOV', (h) => h.subarray(4, 8).toString('latin1') === 'ftyp'],
  ['Matroska/WebM', (h) => h.readUInt32BE(0) === 0x1a45dfa3],
  ['AVI', (h) => h.subarray(0, 4).toString('latin1') === 'RIFF'],
  ['GIF', (h) => h.subarray(0, 4).toString('latin1') === 'GIF8'],
  ['PNG', (h) => h.readUInt32BE(0) === 0x89504e47],
  ['JPEG', (h) => h[0] === 0xff && h[1] === 0xd8],
  ['MPEG-TS', (h) => h[0] === 0x47],
];

/** The container a file's first bytes claim, or undefined. */
export function sniffContainer(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(16);
    if (readSync(fd, head, 0, 16, 0) < 8) return undefined;
    return MEDIA_SIGNATURES.find(([, matches]) => matches(head))?.[0];
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const UNAVAILABLE =
  /Connection refused|Connection timed out|Network is unreachable|No route to host|Server returned|HTTP error|Cannot open display|Can't open display|Cannot open video device|No such device|Device or resource busy|timed out|Immediate exit requested|Input\/output error|Failed to resolve hostname|Name or service not known/i;

/** The ffmpeg line that best explains a failure: the last one that looks like an error. */
export function explainingLine(stderr: string[]): string {
  const errorish = stderr.filter(
    (line) =>
      !/^\s*(Stream #|Input #|Output #|Duration:|Metadata:|\[Parsed_showinfo)/.test(line) &&
      /error|invalid|not found|unsupported|failed|cannot|could not|no such|refused|unable|denied/i.test(
        line,
      ),
  );
  return (errorish.at(-1) ?? stderr.at(-1) ?? 'no output').trim();
}

/**
 * Classifies a failed ffmpeg run. `localPath` is given for files so a "not media" verdict
 * can say whether the bytes at least claim to be a known container.
 */
export function classifyFailure(source: string, stderr: string[], localPath?: string): IngestError {
  const text = stderr.join('\n');
  const line = explainingLine(stderr);
  const codec = /Decoder \(codec ([\w-]+)\) not found/.exec(text)?.[1];
  if (codec || /Unsupported codec|unknown codec|Codec .* is not supported/i.test(text)) {
    return new IngestError(
      'unsupported-codec',
      source,
      `unsupported codec ${codec ?? ''}: ffmpeg has no decoder for it (${line})`.replace('  ', ' '),
    );
  }
  if (/No such file or directory/.test(text) && localPath) {
    return new IngestError('not-found', source, 'file not found');
  }
  if (
    /moov atom not found|partial file|End of file|Truncating packet|truncated/i.test(text) &&
    localPath
  ) {
    return new IngestError('truncated', source, `file is truncated (ffmpeg: ${line})`);
  }
  if (
    /Invalid data found when processing input|could not find codec parameters|Invalid argument/i.test(
      text,
    ) &&
    localPath
  ) {
    const claimed = sniffContainer(localPath);
    return claimed
      ? new IngestError(
          'corrupt',
          source,
          `file looks like ${claimed} but is corrupt (ffmpeg: ${line})`,
        )
      : new IngestError(
          'not-media',
          source,
          `not a video or image file ffmpeg can read (ffmpeg: ${line})`,
        );
  }
  if (UNAVAILABLE.test(text)) {
    return new IngestError('unavailable', source, `source unavailable (ffmpeg: ${line})`);
  }
  return new IngestError('ffmpeg-failed', source, `ffmpeg failed: ${line}`);
}
