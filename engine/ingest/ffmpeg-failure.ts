// Turns what ffmpeg printed when it failed into one IngestError that names the problem.
import { decoderDetail, videoDecodeProblem } from './decoder-message';
import { IngestError } from './errors';
import { mp4EndsEarly, sniffContainer } from './file-sniff';

const UNAVAILABLE =
  /Connection refused|Connection timed out|Network is unreachable|No route to host|Server returned|HTTP error|Cannot open display|Can't open display|Cannot open video device|No such device|Device or resource busy|timed out|Immediate exit requested|Input\/output error|Failed to resolve hostname|Name or service not known/i;

const GENERIC = /Invalid data found when processing input|Conversion failed|Error opening input/;
const ERRORISH =
  /error|prematurely|reset by peer|invalid|not found|unsupported|failed|cannot|could not|no such|refused|unable|denied|partial file|timed out/i;

/**
 * The ffmpeg line that best explains a failure: the last specific error line (a generic
 * "Invalid data found" only when nothing better was said), without the `[demuxer @ 0x…]`
 * prefix.
 */
export function explainingLine(stderr: string[]): string {
  const errorish = stderr.filter(
    (line) =>
      !/^\s*(Stream #|Input #|Output #|Duration:|Metadata:)|showinfo/.test(line) &&
      ERRORISH.test(line),
  );
  const specific = errorish.filter((line) => !GENERIC.test(line));
  const line = specific.at(-1) ?? errorish.at(-1) ?? stderr.at(-1) ?? 'no output';
  return line.replace(/^\[[^\]]* @ 0x[0-9a-f]+\]\s*/, '').trim();
}

/**
 * Classifies a failed ffmpeg run. `localPath` is given for files so a "not media" verdict
 * can say whether the bytes at least claim to be a known container.
 */
export function classifyFailure(source: string, stderr: string[], localPath?: string): IngestError {
  const text = stderr.join('\n');
  // Without the `file:PATH:` ffmpeg puts in front: the message names the file already.
  const line = decoderDetail(explainingLine(stderr)) || explainingLine(stderr);
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
    localPath &&
    /Invalid data found|moov atom not found|could not find codec parameters|partial file|End of file|Truncating packet/i.test(
      text,
    )
  ) {
    return unreadableFile(source, localPath, text, line);
  }
  if (UNAVAILABLE.test(text)) {
    return new IngestError('unavailable', source, `source unavailable (ffmpeg: ${line})`);
  }
  if (localPath) return new IngestError('corrupt', source, videoDecodeProblem(line));
  return new IngestError('ffmpeg-failed', source, `ffmpeg failed: ${line}`);
}

/** A local file ffmpeg could not read: not media, truncated, or corrupt, told apart by its bytes. */
function unreadableFile(source: string, path: string, text: string, line: string): IngestError {
  const claimed = sniffContainer(path);
  if (!claimed) {
    return new IngestError(
      'not-media',
      source,
      'not a video or image file ffmpeg can read (its first bytes match no known media format)',
    );
  }
  const cut =
    /partial file|Truncating packet|End of file/i.test(text) ||
    (/moov atom not found/.test(text) && claimed === 'MP4/MOV' && mp4EndsEarly(path));
  if (cut) return new IngestError('truncated', source, `file is truncated (ffmpeg: ${line})`);
  return new IngestError(
    'corrupt',
    source,
    `file looks like ${claimed} but is corrupt (ffmpeg: ${line})`,
  );
}
