// fetch for Hub requests: the Hub counts as unreachable when no response headers arrive
// within the connect timeout (a dead proxy or a firewall would otherwise hang for minutes),
// and network failures become one clear error naming the endpoint.
import { HubError } from './errors';

const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

function unreachable(endpoint: string, why: string): HubError {
  return new HubError(
    'unreachable',
    `cannot reach the Hugging Face Hub at ${endpoint} (${why}); check the network or HF_ENDPOINT, ` +
      'or work offline (--offline or HF_HUB_OFFLINE=1) with models already pulled',
  );
}

function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as { code?: string }).code;
}

export function hubFetch(options: {
  endpoint: string;
  connectTimeoutMs: number;
  signal?: AbortSignal;
}): typeof fetch {
  return async (input, init) => {
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), options.connectTimeoutMs);
    const signals = [timer.signal, options.signal, init?.signal].filter(
      (s): s is AbortSignal => !!s,
    );
    try {
      return await fetch(input, { ...init, signal: AbortSignal.any(signals) });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      if (timer.signal.aborted)
        throw unreachable(
          options.endpoint,
          `no answer within ${options.connectTimeoutMs / 1000} s`,
        );
      const code = networkCode(error);
      if (code && NETWORK_CODES.has(code)) throw unreachable(options.endpoint, code);
      // undici reports every failure to connect as a TypeError "fetch failed".
      if (error instanceof TypeError)
        throw unreachable(
          options.endpoint,
          (error.cause as Error | undefined)?.message ?? error.message,
        );
      throw error;
    } finally {
      clearTimeout(timeout);
    }
  };
}

/** True for an error a retry may cure: the connection dropped while a body streamed. */
export function isTransientNetworkError(error: unknown): boolean {
  if (error instanceof HubError) return error.transient;
  const code = networkCode(error);
  if (code && NETWORK_CODES.has(code)) return true;
  const message = (error as Error)?.message ?? '';
  return /terminated|other side closed|socket hang up|aborted/i.test(message);
}
