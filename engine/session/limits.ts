// The limits on what a user may hand the engine, defined once. Every entry point (CLI,
// MCP, language server, HTTP) checks its input against these through validate.ts, and
// docs/limits.md lists them in one table; a test keeps the two in step.
import { DEFAULT_MAX_DURATION_SEC, DEFAULT_MAX_PIXELS } from '../ingest/limits';
import { MAX_BYTES_READ } from '../media/media-file';

export const SESSION_LIMITS = {
  /**
   * Longest question, in characters. Far longer ones only waste the context; the question's
   * tokens must also fit the context the stream has left (checked when it is asked).
   */
  questionChars: 8000,
  /** Pixels of one image or video frame, read from the header before anything is decoded. */
  imagePixels: DEFAULT_MAX_PIXELS,
  /** Longest video: a longer duration is a broken header, not a recording. */
  videoDurationSec: DEFAULT_MAX_DURATION_SEC,
  /** Longest text query (on-screen text search, a label to locate on a screenshot), in characters. */
  textQueryChars: 1000,
  /** Longest file path or URI a request may name, in characters. */
  pathChars: 4096,
  /** Largest base64 image a request may carry, in characters (about 48 MiB of bytes). */
  imageBase64Chars: 64 * 2 ** 20,
  /** Bytes read while walking a file's structure to tell a still image from an animation. */
  headerBytesRead: MAX_BYTES_READ,
  /** Longest screenshot session name (letters, digits, `.`, `_`, `-`), in characters. */
  screenSessionNameChars: 64,
  /** A screenshot session unused for this long is forgotten (in memory and on disk), in seconds. */
  screenSessionIdleSec: 600,
  /** Most screenshot sessions kept at once; the least recently used one goes first. */
  screenSessions: 16,
  /** Most bytes of remembered readings one screenshot session keeps (8 MiB). */
  screenSessionBytes: 8 * 2 ** 20,
} as const;
