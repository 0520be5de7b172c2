// Where the remote generation server is and how to talk to it: from editor settings
// first, then VLM_REMOTE_* environment variables, then defaults.

export interface RemoteConfig {
  /** OpenAI-style base URL, ending in /v1 (e.g. http://gpu-host:8000/v1). */
  baseUrl: string;
  /** The model name the server knows (vLLM: the --served-model-name or the HF id). */
  model: string;
  /** Sent as a bearer token; never logged, and redacted from every error message. */
  apiKey?: string;
  /** Longest wait for the response headers (connect + queueing), per attempt. */
  requestTimeoutMs: number;
  /** Longest silence between two streamed chunks. */
  idleTimeoutMs: number;
  /** Extra attempts after a connection error, a timeout, 429 or 5xx (never after other 4xx). */
  maxRetries: number;
  /** First backoff delay; doubles each retry (with jitter), or follows Retry-After. */
  retryBaseMs: number;
  /** Images are downscaled so their longer side is at most this many pixels. */
  maxImageSide: number;
  imageFormat: 'jpeg' | 'png';
  jpegQuality: number;
}

/** The editor's settings for the remote backend (`vlm.remote.*`); any may be missing. */
export type RemoteSettings = Partial<Omit<RemoteConfig, 'baseUrl'>> & { baseUrl?: string };

export const REMOTE_DEFAULTS = {
  requestTimeoutMs: 60_000,
  idleTimeoutMs: 60_000,
  maxRetries: 2,
  retryBaseMs: 500,
  maxImageSide: 1024,
  imageFormat: 'jpeg',
  jpegQuality: 85,
} as const;

export const REMOTE_ENV = {
  baseUrl: 'VLM_REMOTE_BASE_URL',
  model: 'VLM_REMOTE_MODEL',
  apiKey: 'VLM_REMOTE_API_KEY',
  requestTimeoutMs: 'VLM_REMOTE_TIMEOUT_MS',
  maxRetries: 'VLM_REMOTE_MAX_RETRIES',
  maxImageSide: 'VLM_REMOTE_MAX_IMAGE_SIDE',
  imageFormat: 'VLM_REMOTE_IMAGE_FORMAT',
} as const;

/** True when a remote server is configured (a base URL in settings or the environment). */
export function remoteConfigured(
  settings: RemoteSettings = {},
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return Boolean(settings.baseUrl || env[REMOTE_ENV.baseUrl]);
}

export function resolveRemoteConfig(
  settings: RemoteSettings = {},
  env: NodeJS.ProcessEnv = process.env,
): RemoteConfig {
  const baseUrl = settings.baseUrl || env[REMOTE_ENV.baseUrl];
  if (!baseUrl)
    throw new Error(
      `no remote server configured: set ${REMOTE_ENV.baseUrl} (e.g. http://gpu-host:8000/v1) or the vlm.remote.baseUrl setting`,
    );
  const model = settings.model || env[REMOTE_ENV.model];
  if (!model)
    throw new Error(
      `no remote model configured: set ${REMOTE_ENV.model} (the name the server lists at /v1/models) or the vlm.remote.model setting`,
    );
  const imageFormat =
    settings.imageFormat ?? env[REMOTE_ENV.imageFormat] ?? REMOTE_DEFAULTS.imageFormat;
  if (imageFormat !== 'jpeg' && imageFormat !== 'png')
    throw new Error(`${REMOTE_ENV.imageFormat}="${imageFormat}" must be jpeg or png`);
  return {
    baseUrl: normalizeBaseUrl(baseUrl),
    model,
    apiKey: settings.apiKey || env[REMOTE_ENV.apiKey] || undefined,
    requestTimeoutMs:
      settings.requestTimeoutMs ??
      envInt(env, 'requestTimeoutMs', 1) ??
      REMOTE_DEFAULTS.requestTimeoutMs,
    idleTimeoutMs: settings.idleTimeoutMs ?? REMOTE_DEFAULTS.idleTimeoutMs,
    maxRetries: settings.maxRetries ?? envInt(env, 'maxRetries', 0) ?? REMOTE_DEFAULTS.maxRetries,
    retryBaseMs: settings.retryBaseMs ?? REMOTE_DEFAULTS.retryBaseMs,
    maxImageSide:
      settings.maxImageSide ?? envInt(env, 'maxImageSide', 16) ?? REMOTE_DEFAULTS.maxImageSide,
    imageFormat,
    jpegQuality: settings.jpegQuality ?? REMOTE_DEFAULTS.jpegQuality,
  };
}

function envInt(
  env: NodeJS.ProcessEnv,
  key: keyof typeof REMOTE_ENV,
  min: number,
): number | undefined {
  const name = REMOTE_ENV[key];
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name}="${text}" must be an integer of at least ${min}`);
  return value;
}

/** Accepts http://host:8000 and http://host:8000/v1 alike; OpenAI clients want the /v1 form. */
export function normalizeBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(
      `remote base URL "${displayUrl(text)}" is not a URL (expected e.g. http://gpu-host:8000/v1)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`remote base URL must start with http:// or https://, not ${url.protocol}`);
  if (url.username || url.password)
    throw new Error(
      `remote base URL ${displayUrl(text)} must not carry credentials; put the key in ${REMOTE_ENV.apiKey}`,
    );
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path === '' ? '/v1' : path;
  return url.toString().replace(/\/+$/, '');
}

/** A URL fit for messages and logs: no user:password, no query string (keys hide there too). */
export function displayUrl(text: string): string {
  try {
    const url = new URL(text);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.toString().replace(/\/+$/, '');
  } catch {
    return text.replace(/\/\/[^/@]*@/, '//').replace(/\?.*$/, '');
  }
}

/** The config as a debug line, with the key reduced to whether one is set. */
export function describeRemoteConfig(config: RemoteConfig): string {
  return `remote ${displayUrl(config.baseUrl)} model=${config.model} apiKey=${config.apiKey ? '(set)' : '(none)'} timeout=${config.requestTimeoutMs}ms retries=${config.maxRetries} maxImageSide=${config.maxImageSide} ${config.imageFormat}`;
}
