// Engine exceptions -> documented protocol errors. Aborts become RequestCancelled (the
// scheduler decides between cancel and timeout); ingest errors keep their message, which
// already names the file and the problem.
import { VlmErrorCodes } from '../../protocol/protocol';
import { IngestError } from '../../engine/ingest';
import { EngineError } from '../engine-host/engine-error';

const INGEST_TOO_LARGE = new Set(['too-many-pixels', 'too-long']);

export function mapEngineError(error: unknown, uri?: string): unknown {
  if (error instanceof EngineError) return error;
  if (error instanceof Error && error.name === 'AbortError')
    return new EngineError(VlmErrorCodes.RequestCancelled, 'request cancelled');
  if (error instanceof IngestError) {
    if (error.code === 'aborted')
      return new EngineError(VlmErrorCodes.RequestCancelled, 'request cancelled');
    if (error.code === 'ffmpeg-missing')
      return new EngineError(VlmErrorCodes.NotAvailable, error.message, { capability: 'ffmpeg' });
    const code = INGEST_TOO_LARGE.has(error.code)
      ? VlmErrorCodes.InputTooLarge
      : VlmErrorCodes.MediaUnreadable;
    return new EngineError(code, error.message, { uri });
  }
  return error;
}
