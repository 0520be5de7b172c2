// One error type for everything ingest rejects, so callers can show the message as is
// and branch on `code` (the LSP layer maps codes to user-facing categories).

export type IngestErrorCode =
  | 'not-found'
  | 'empty-file'
  | 'truncated'
  | 'corrupt'
  | 'not-media'
  | 'unsupported-codec'
  | 'too-many-pixels'
  | 'too-long'
  | 'ffmpeg-missing'
  | 'ffmpeg-failed'
  | 'timeout'
  | 'unavailable'
  | 'aborted';

export class IngestError extends Error {
  constructor(
    readonly code: IngestErrorCode,
    /** The file, URL or device the problem is about. */
    readonly source: string,
    problem: string,
  ) {
    super(`${source}: ${problem}`);
    this.name = 'IngestError';
  }
}

/** The error an aborted decode ends with; `name` is 'AbortError' like fetch's. */
export class IngestAbortError extends IngestError {
  constructor(source: string) {
    super('aborted', source, 'cancelled');
    this.name = 'AbortError';
  }
}
