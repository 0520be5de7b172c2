// How the VLM log writes durations, requests and errors. Pure (no vscode), so the unit
// tests feed it plain objects shaped like the errors the language client rejects with.
import { VlmErrorCodes } from '../../protocol/protocol';

/** 8 ms, 1.25 s, 2 min 05 s: short enough to scan a column of request lines. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '? ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** The protocol's name for an error code (`MediaUnreadable` for 4009), if it has one. */
export function codeName(code: unknown): string | undefined {
  return Object.entries(VlmErrorCodes).find(([, value]) => value === code)?.[0];
}

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  data?: unknown;
  cause?: unknown;
  stack?: unknown;
  name?: unknown;
}

/** One line for an error: message, then [Name code] and the server's data when present. */
export function errorLine(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const e = error as ErrorLike;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const parts = [message];
  if (typeof e.code === 'number' || typeof e.code === 'string') {
    const name = codeName(e.code);
    parts.push(name ? `[${name} ${String(e.code)}]` : `[code ${String(e.code)}]`);
  }
  if (e.data !== undefined && e.data !== null) parts.push(`data=${safeJson(e.data)}`);
  return parts.join(' ');
}

/**
 * The whole story of an error for the log: its line, each `cause` below it ("caused by:"),
 * and the first error's stack. Bounded, so a cyclic cause chain cannot loop.
 */
export function errorDetails(error: unknown, maxDepth = 8): string {
  const lines = [errorLine(error)];
  let cause = (error as ErrorLike | null)?.cause;
  for (let depth = 0; cause !== undefined && cause !== null && depth < maxDepth; depth++) {
    lines.push(`caused by: ${errorLine(cause)}`);
    cause = typeof cause === 'object' ? (cause as ErrorLike).cause : undefined;
  }
  const stack = (error as ErrorLike | null)?.stack;
  if (typeof stack === 'string') {
    // The stack's first line repeats the message; only the frames add anything.
    const frames = stack.split('\n').filter((l) => /^\s+at /.test(l));
    if (frames.length) lines.push(...frames);
  }
  return lines.join('\n');
}

/** `vlm/ask 1.25 s` for a request that succeeded. */
export function requestLine(method: string, ms: number): string {
  return `${method} ${formatDuration(ms)}`;
}

/** `vlm/openStream failed after 40 ms: …` with the error's line (code and data included). */
export function failedRequestLine(method: string, ms: number, error: unknown): string {
  return `${method} failed after ${formatDuration(ms)}: ${errorLine(error)}`;
}

/** `vlm/ask cancelled after 2.00 s`: cancelling is the user's choice, not an error. */
export function cancelledRequestLine(method: string, ms: number): string {
  return `${method} cancelled after ${formatDuration(ms)}`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
