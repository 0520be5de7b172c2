// The defaults every entry point shares. An entry point may expose a setting for each,
// in the same unit; none keeps a default of its own.
export const SESSION_DEFAULTS = {
  /** Frames per second sampled from a video or a live source. */
  fps: 1,
  /** Longest answer, in tokens. */
  maxTokens: 128,
  /** Read the on-screen text of each encoded frame (search, evidence text, retrieval). */
  screenText: true,
} as const;

/** Limits every entry point enforces the same way, through the session. */
export const SESSION_LIMITS = {
  /**
   * Longest question, in characters. Far longer ones only waste the context, and past
   * about 25,000 characters the tokenizer's native code overflows its stack.
   */
  questionChars: 8000,
  /** Longest text query (on-screen text search, a label to locate on a screenshot), in characters. */
  textQueryChars: 1000,
  /** Longest file path or URI a request may name, in characters. */
  pathChars: 4096,
  /** Largest base64 image a request may carry, in characters (about 48 MiB of bytes). */
  imageBase64Chars: 64 * 2 ** 20,
} as const;
