// The shape of one bad-input case, as the generator writes it to cases.json and the runner
// in test/corpus reads it. Plain JSON, so the corpus can be listed and diffed without
// running anything.

/** The four ways into the engine. */
export type Entry = 'cli' | 'mcp' | 'lsp' | 'http';

/** What a case sends; which field is set depends on the entry point. */
export interface CasePayload {
  /** `vlm` arguments (one process per case). */
  argv?: string[];
  /** Working directory of the `vlm` process (a relative name such as `-x.png` stays relative). */
  cwd?: string;
  /** An MCP tools/call. */
  tool?: { name: string; arguments: unknown };
  /** A JSON-RPC request (LSP or MCP) with these method and params. */
  request?: { method: string; params?: unknown };
  /** Bytes written as they are to a fresh server's stdin (base64), e.g. a broken frame. */
  raw?: string;
  /** An HTTP request to the OpenAI-compatible endpoint. */
  http?: { method: string; path: string; headers?: Record<string, string>; body?: string };
  /** HTTP body made of this many bytes of filler (kept out of cases.json). */
  hugeBodyBytes?: number;
}

export interface CorpusCase {
  /** Unique and stable, e.g. `cli/media/png-truncated-half`. */
  id: string;
  entry: Entry;
  /** media | bomb | special | model | frame | params | body | name | question */
  group: string;
  /** What the input is, in words, for the report. */
  input: string;
  /** Any one of these must appear in the error (a file's name, a field, a folder). */
  names: string[];
  /** Problem phrases specific to this input (any one must appear); PROBLEM_WORDS when absent. */
  problems?: string[];
  /** The name must appear with its control characters escaped (it goes to a terminal). */
  escapedOnly?: boolean;
  /** A damaged input that may still decode: an answer is as good as a clear error. */
  mayAnswer?: boolean;
  /** A frame that breaks the stream: the server may end, if it says why on stderr. */
  mayExit?: boolean;
  payload: CasePayload;
}

/** Words an error uses to say what is wrong; a clear error holds one of them. */
export const PROBLEM_WORDS: readonly string[] = [
  'empty',
  'truncated',
  'cut short',
  'ends early',
  'incomplete',
  'not a regular file',
  'is a directory',
  'is a device',
  'is a fifo',
  'named pipe',
  'too large',
  'too big',
  'too long',
  'too many',
  'exceeds',
  'larger than',
  'longer than',
  'shorter than',
  // A size against its limit: `Content-Length 99999999999 is over 83886080 bytes`.
  'is over',
  'unsupported',
  'not supported',
  'invalid',
  'not valid',
  'must be',
  'must have',
  'does not exist',
  'no such',
  'not found',
  'none found',
  'looks like an option',
  'missing',
  'damaged',
  'corrupt',
  'malformed',
  'not a ',
  'not an ',
  'is not',
  'permission denied',
  'not readable',
  'symbolic link',
  'symlink',
  'loop',
  'dangling',
  'expected',
  'unknown',
  'refused',
  'outside',
  'not allowed',
  'unexpected',
  'parse error',
  // A framing error in words (LSP/MCP over stdio): the header, not the body, is at fault.
  'bad message header',
  'no content-length',
  'requires',
  'required',
  'ends inside',
  'has no ',
  'holds no',
  'exactly one',
  'at most',
  'limit',
  'unhandled method',
  'neither a',
];
