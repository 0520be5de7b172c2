// A bad input the engine refused (an empty or unreadable file, not media, too large, a
// question over the limit) as the HTTP error it is: 4xx naming the message part, so a
// client sees what to fix. Only failures that are not about the input stay 5xx.
import { IngestError } from '../ingest/errors';
import { StreamLimitError } from '../stream';
import { ApiError } from './errors';

const TOO_LARGE = new Set(['too-many-pixels', 'too-long']);

/** How to name the input in the message: `from` (e.g. a temporary file) reads as `to`. */
export interface InputName {
  from: string;
  to: string;
}

/**
 * The ApiError for an engine error about the input at `param`
 * (e.g. `messages[0].content[1].image_url`), or undefined when it is not one.
 */
export function inputApiError(
  error: unknown,
  param: string,
  name?: InputName,
): ApiError | undefined {
  if (error instanceof ApiError) return error;
  const message = () => {
    const text =
      name && name.from !== name.to
        ? (error as Error).message.split(name.from).join(name.to)
        : (error as Error).message;
    return text.startsWith(param) ? text : `${param}: ${text}`;
  };
  if (error instanceof IngestError) {
    if (error.code === 'aborted' || error.name === 'AbortError') return undefined;
    if (error.code === 'ffmpeg-missing') return new ApiError(503, 'ffmpeg_missing', error.message);
    if (TOO_LARGE.has(error.code)) return new ApiError(413, 'input_too_large', message(), param);
    const code = error.code === 'not-found' ? 'image_not_found' : 'invalid_media';
    return new ApiError(400, code, message(), param);
  }
  if (error instanceof StreamLimitError)
    return new ApiError(400, 'invalid_request', message(), param);
  return undefined;
}
