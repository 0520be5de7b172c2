// Errors our endpoint answers with, in OpenAI's shape, so OpenAI clients show them as-is.
import type { WireError } from './wire';

/** A request the endpoint refuses, or a backend failure it reports; carries the HTTP status. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }

  get type(): string {
    if (this.status === 401 || this.status === 403) return 'authentication_error';
    if (this.status === 404) return 'not_found_error';
    if (this.status === 429) return 'rate_limit_error';
    if (this.status >= 500) return 'server_error';
    return 'invalid_request_error';
  }

  toWire(): WireError {
    return {
      error: { message: this.message, type: this.type, code: this.code, param: this.param },
    };
  }
}

/** A failure that knows its HTTP meaning (e.g. a remote backend's error relayed by our endpoint). */
interface HasApiStatus {
  apiStatus: number;
  apiCode: string;
  message: string;
}

function hasApiStatus(error: unknown): error is HasApiStatus {
  const e = error as Partial<HasApiStatus> | null;
  return typeof e?.apiStatus === 'number' && typeof e.apiCode === 'string';
}

/** Any thrown value as an ApiError: ApiErrors keep their status, the rest become 500. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (hasApiStatus(error)) return new ApiError(error.apiStatus, error.apiCode, error.message);
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(500, 'internal_error', `generation failed: ${message}`);
}
