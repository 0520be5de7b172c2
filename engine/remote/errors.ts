// The remote backend's failures, each saying what happened, at which URL (without
// secrets), and what to do about it. The API key never appears in any of them.
import { REMOTE_ENV } from './config';

export type RemoteErrorKind =
  | 'unreachable'
  | 'timeout'
  | 'unauthorized'
  | 'model-not-found'
  | 'endpoint-not-found'
  | 'image-too-large'
  | 'context-too-long'
  | 'too-many-images'
  | 'bad-request'
  | 'rate-limited'
  | 'server-error'
  | 'protocol';

/** Kinds worth another attempt: the same request may succeed a moment later. */
export const RETRYABLE: ReadonlySet<RemoteErrorKind> = new Set([
  'unreachable',
  'timeout',
  'rate-limited',
  'server-error',
]);

export class RemoteError extends Error {
  override name = 'RemoteError';
  constructor(
    readonly kind: RemoteErrorKind,
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status?: number,
    /** Retry-After from the server, in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** The status our endpoint answers with when it relays this failure (see toApiError). */
  get apiStatus(): number {
    return API_STATUS[this.kind];
  }

  get apiCode(): string {
    return `remote_${this.kind.replace(/-/g, '_')}`;
  }
}

const API_STATUS: Record<RemoteErrorKind, number> = {
  unreachable: 502,
  timeout: 504,
  unauthorized: 502,
  'model-not-found': 404,
  'endpoint-not-found': 502,
  'image-too-large': 413,
  'context-too-long': 400,
  'too-many-images': 400,
  'bad-request': 400,
  'rate-limited': 429,
  'server-error': 502,
  protocol: 502,
};

/** Replaces every occurrence of each secret with `***`. */
export function redact(text: string, secrets: (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets)
    if (secret && secret.length >= 4) out = out.split(secret).join('***');
  return out;
}

export interface FailureContext {
  /** Display form of the URL requested (no credentials, no query). */
  url: string;
  model: string;
  hasKey: boolean;
  maxImageSide: number;
}

/** The server's own explanation from an OpenAI-style error body, or the start of the raw text. */
export function serverMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as {
      error?: { message?: string } | string;
      message?: string;
      detail?: unknown;
    };
    if (typeof parsed.error === 'object' && parsed.error?.message) return parsed.error.message;
    if (typeof parsed.error === 'string') return parsed.error;
    if (parsed.message) return parsed.message;
    if (parsed.detail)
      return typeof parsed.detail === 'string' ? parsed.detail : JSON.stringify(parsed.detail);
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.trim().slice(0, 300);
}

const MODEL_MISSING =
  /model.*(not found|does not exist|not exist|unknown|no such)|unknown model|(not found|no such).*model/i;
const CONTEXT =
  /context length|context window|maximum model length|max_model_len|too many tokens|prompt is too long/i;
const IMAGE_COUNT = /at most \d+ image|too many images|image.*limit|limit.*image/i;
const TOO_LARGE = /too (large|big|long)|exceed|payload|entity|max(imum)?[ _-]?(size|pixels|bytes)/i;

/** Classifies an HTTP error answer. */
export function httpFailure(
  status: number,
  body: string,
  ctx: FailureContext,
  retryAfterMs?: number,
): RemoteError {
  const said = serverMessage(body);
  const quote = said ? `: "${said}"` : '';
  const at = `the remote model server at ${ctx.url}`;
  if (status === 401 || status === 403)
    return new RemoteError(
      'unauthorized',
      ctx.hasKey
        ? `${at} refused the API key (HTTP ${status}); set ${REMOTE_ENV.apiKey} (or vlm.remote.apiKey) to a key it accepts`
        : `${at} requires an API key (HTTP ${status}); set ${REMOTE_ENV.apiKey} (or vlm.remote.apiKey)`,
      status,
    );
  if (status === 413 || (status === 400 && /image/i.test(said) && TOO_LARGE.test(said)))
    return new RemoteError(
      'image-too-large',
      `${at} refused the request as too large (HTTP ${status})${quote}; lower ${REMOTE_ENV.maxImageSide} (now ${ctx.maxImageSide} px) or send fewer keyframes`,
      status,
    );
  if (status === 400 && CONTEXT.test(said))
    return new RemoteError(
      'context-too-long',
      `${at} refused the request as longer than the model's context (HTTP 400)${quote}; send fewer keyframes, lower ${REMOTE_ENV.maxImageSide} (now ${ctx.maxImageSide} px), or raise the server's context (vLLM: --max-model-len)`,
      status,
    );
  if (status === 400 && IMAGE_COUNT.test(said))
    return new RemoteError(
      'too-many-images',
      `${at} refused the number of images (HTTP 400)${quote}; send fewer keyframes, or raise the server's limit (vLLM: --limit-mm-per-prompt '{"image": 16}')`,
      status,
    );
  if ((status === 404 || status === 400) && MODEL_MISSING.test(said))
    return new RemoteError(
      'model-not-found',
      `${at} does not serve the model '${ctx.model}' (HTTP ${status})${quote}; set ${REMOTE_ENV.model} to a model listed by GET ${ctx.url.replace(/\/chat\/completions$/, '/models')}`,
      status,
    );
  if (status === 404)
    return new RemoteError(
      'endpoint-not-found',
      `${at} has no such endpoint (HTTP 404)${quote}; check ${REMOTE_ENV.baseUrl}: it should end in /v1 (e.g. http://gpu-host:8000/v1)`,
      status,
    );
  if (status === 429)
    return new RemoteError(
      'rate-limited',
      `${at} is rate-limiting requests (HTTP 429)${quote}; wait, or lower the request rate`,
      status,
      retryAfterMs,
    );
  if (status >= 500)
    return new RemoteError(
      'server-error',
      `${at} failed (HTTP ${status})${quote}; check the server's log`,
      status,
      retryAfterMs,
    );
  return new RemoteError(
    'bad-request',
    `${at} rejected the request (HTTP ${status})${quote}`,
    status,
  );
}

/** Classifies a failure to get any answer (fetch threw). */
export function connectionFailure(error: unknown, ctx: FailureContext): RemoteError {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code ?? '';
  const detail = code || cause?.message || (error instanceof Error ? error.message : String(error));
  return new RemoteError(
    'unreachable',
    `cannot reach the remote model server at ${ctx.url} (${detail}); check that it is running and reachable from here, and that ${REMOTE_ENV.baseUrl} is right`,
  );
}
