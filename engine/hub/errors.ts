// Why a pull failed, as a kind the CLI and the editor can act on and a message that names
// the repository, the file or the setting to change.
import { HubApiError } from '@huggingface/hub';

export type HubErrorKind =
  | 'auth'
  | 'not-found'
  | 'unreachable'
  | 'offline'
  | 'integrity'
  | 'disk'
  | 'layout';

export class HubError extends Error {
  override name = 'HubError';
  constructor(
    readonly kind: HubErrorKind,
    message: string,
    /** True when trying again may succeed (a transfer cut short). */
    readonly transient = false,
  ) {
    super(message);
  }
}

/** What a failed Hub request means for `what` (a repository, revision or file). */
export function hubRequestError(
  error: unknown,
  what: string,
  endpoint: string,
  token: string | undefined,
): unknown {
  if (error instanceof HubError || !(error instanceof HubApiError)) return error;
  const status = error.statusCode;
  if (status === 401 || status === 403)
    return new HubError(
      'auth',
      `${what}: access denied by ${endpoint} (HTTP ${status}). The repository is gated or private: ` +
        (token
          ? 'the token in HF_TOKEN has no access to it; accept its terms on the Hub or use another token'
          : 'accept its terms on the Hub and set HF_TOKEN to an access token with read access'),
    );
  if (status === 404)
    return new HubError(
      'not-found',
      `${what}: no such repository, revision or file on ${endpoint} (HTTP 404)`,
    );
  return new HubError(
    'unreachable',
    `${what}: ${endpoint} answered HTTP ${status}: ${error.message}`,
  );
}
