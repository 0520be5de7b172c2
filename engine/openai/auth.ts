// Who may call the endpoint: a bearer token compared in constant time, and, without a
// token, only same-machine callers that are not web pages.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { ApiError } from './errors';

/** True for names and addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/** Compares digests, so neither the length nor the content of the token leaks through timing. */
export function tokenMatches(presented: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Throws the 401/403 the request deserves, or returns when it may proceed. */
export function checkCaller(req: IncomingMessage, token: string | undefined): void {
  if (token !== undefined) {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !tokenMatches(match[1].trim(), token))
      throw new ApiError(
        401,
        'invalid_api_key',
        match
          ? 'invalid bearer token'
          : 'missing bearer token: send the header "Authorization: Bearer <token>"',
      );
    return;
  }
  // No token means loopback-only. A web page can still reach 127.0.0.1 from the user's
  // browser (cross-site POSTs, DNS rebinding); browsers always say so in Origin or Host.
  const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '');
  if (!isLoopbackHost(hostHeader))
    throw new ApiError(
      403,
      'forbidden_host',
      `Host '${hostHeader}' refused: this server answers only to localhost names`,
    );
  if (req.headers.origin !== undefined)
    throw new ApiError(
      403,
      'forbidden_origin',
      'requests from web pages are refused unless the server is started with a token',
    );
}
