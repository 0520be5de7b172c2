// Checks request params before any work starts, so a malformed request gets an
// InvalidParams error naming the field, the expected type and what came instead, rather
// than failing somewhere inside the engine. Each method's whole params are checked by
// one function of method-params.ts, which session.handle calls for every request.
import type { Box, ImageRef, StreamSource } from '../protocol/protocol';
import { SESSION_LIMITS } from '../engine/session';
import { invalidParams } from './errors';

export type Fields = Record<string, unknown>;

export const MAX_BASE64_CHARS: number = SESSION_LIMITS.imageBase64Chars;
export const MAX_PATH_CHARS: number = SESSION_LIMITS.pathChars;
/** Longest id (stream, ask): the server makes stream ids, clients make ask ids. */
export const MAX_ID_CHARS = 200;

/** What a wrong value was, for the error message: "got a string", "got null". */
export function got(value: unknown): string {
  if (value === null) return 'got null';
  if (Array.isArray(value)) return 'got an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return `got ${value}`;
  const type = typeof value;
  return `got ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

/** A field's full name for messages: `source.uri`, or `uri` at the top level. */
const name = (prefix: string, field: string) => (prefix ? `${prefix}.${field}` : field);

export function object(value: unknown, field = 'params'): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidParams(field, `must be an object (${got(value)})`);
  return value as Fields;
}

/** Params of a method that takes none: absent, null or an object (whose fields are ignored). */
export function noParams(value: unknown): void {
  if (value !== undefined && value !== null) object(value);
}

export function string(p: Fields, field: string, maxLength = MAX_PATH_CHARS, prefix = ''): string {
  const value = p[field];
  if (typeof value !== 'string' || value.length === 0)
    throw invalidParams(name(prefix, field), `must be a non-empty string (${got(value)})`);
  if (value.length > maxLength)
    throw invalidParams(
      name(prefix, field),
      `is longer than ${maxLength} characters (${value.length})`,
    );
  return value;
}

export function optionalString(
  p: Fields,
  field: string,
  maxLength = MAX_PATH_CHARS,
  prefix = '',
): string | undefined {
  return p[field] === undefined ? undefined : string(p, field, maxLength, prefix);
}

export function optionalNumber(
  p: Fields,
  field: string,
  min: number,
  max: number,
  prefix = '',
): number | undefined {
  const value = p[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
    throw invalidParams(
      name(prefix, field),
      `must be a number from ${min} to ${max} (${typeof value === 'number' ? `got ${value}` : got(value)})`,
    );
  return value;
}

export function optionalInteger(
  p: Fields,
  field: string,
  min: number,
  max: number,
  prefix = '',
): number | undefined {
  const value = optionalNumber(p, field, min, max, prefix);
  if (value !== undefined && !Number.isInteger(value))
    throw invalidParams(
      name(prefix, field),
      `must be an integer from ${min} to ${max} (got ${value})`,
    );
  return value;
}

export function optionalBoolean(p: Fields, field: string, prefix = ''): boolean | undefined {
  const value = p[field];
  if (value === undefined || typeof value === 'boolean') return value;
  throw invalidParams(name(prefix, field), `must be true or false (${got(value)})`);
}

export function optionalOneOf<T extends string>(
  p: Fields,
  field: string,
  allowed: readonly T[],
  prefix = '',
): T | undefined {
  const value = p[field];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    return value as T;
  throw invalidParams(
    name(prefix, field),
    `must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (${typeof value === 'string' ? `got '${value.slice(0, 40)}'` : got(value)})`,
  );
}

/** LSP's ProgressToken: an integer or a string. */
export function optionalProgressToken(p: Fields): string | number | undefined {
  const value = p.workDoneToken;
  if (value === undefined) return undefined;
  if ((typeof value === 'number' && Number.isInteger(value)) || typeof value === 'string')
    return value;
  throw invalidParams('workDoneToken', `must be an integer or a string (${got(value)})`);
}

/** Image bytes as base64 (standard or URL-safe alphabet, whitespace allowed) that decode to something. */
function checkBase64(value: string, field: string): void {
  const payload = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload))
    throw invalidParams(
      field,
      `is not valid base64 (${value.length} characters; send the image file's bytes base64-encoded)`,
    );
  if (Buffer.from(payload, 'base64').length === 0)
    throw invalidParams(field, `holds no image bytes once decoded (${value.length} characters)`);
}

export function imageRef(value: unknown, field = 'image'): ImageRef {
  const p = object(value, field);
  if (p.uri !== undefined) return { uri: string(p, 'uri', MAX_PATH_CHARS, field) };
  if (p.base64 !== undefined) {
    if (typeof p.base64 !== 'string')
      throw invalidParams(`${field}.base64`, `must be a string (${got(p.base64)})`);
    if (p.base64.length > MAX_BASE64_CHARS)
      throw invalidParams(`${field}.base64`, `is larger than ${MAX_BASE64_CHARS} characters`);
    checkBase64(p.base64, `${field}.base64`);
    return { base64: p.base64, mimeType: optionalString(p, 'mimeType', 100, field) };
  }
  throw invalidParams(field, "must have 'uri' (a file URI) or 'base64' (image bytes)");
}

export function streamSource(value: unknown): StreamSource {
  const p = object(value, 'source');
  const at = 'source';
  const fps = optionalNumber(p, 'framerate', 0.01, 240, at);
  switch (p.kind) {
    case 'file':
      return {
        kind: 'file',
        uri: string(p, 'uri', MAX_PATH_CHARS, at),
        follow: optionalBoolean(p, 'follow', at) === true,
      };
    case 'url':
      return {
        kind: 'url',
        url: string(p, 'url', MAX_PATH_CHARS, at),
        rtspTransport: optionalOneOf(p, 'rtspTransport', ['tcp', 'udp'], at),
      };
    case 'live':
      return {
        kind: 'live',
        input: string(p, 'input', MAX_PATH_CHARS, at),
        format: optionalString(p, 'format', 100, at),
        options: p.options === undefined ? undefined : stringRecord(p.options, 'source.options'),
      };
    case 'screen':
      return {
        kind: 'screen',
        display: optionalString(p, 'display', 200, at),
        region: p.region === undefined ? undefined : box(p.region, 'source.region'),
        framerate: fps,
      };
    case 'camera':
      return {
        kind: 'camera',
        device: optionalString(p, 'device', MAX_PATH_CHARS, at),
        width: optionalInteger(p, 'width', 1, 16384, at),
        height: optionalInteger(p, 'height', 1, 16384, at),
        framerate: fps,
      };
    default:
      throw invalidParams('source.kind', "must be 'file', 'live', 'screen', 'camera' or 'url'");
  }
}

function stringRecord(value: unknown, field: string): Record<string, string> {
  const p = object(value, field);
  for (const [key, entry] of Object.entries(p))
    if (typeof entry !== 'string')
      throw invalidParams(`${field}.${key}`, `must be a string (${got(entry)})`);
  return p as Record<string, string>;
}

export function box(value: unknown, field: string): Box {
  const p = object(value, field);
  const side = (key: string, min: number) => {
    const n = optionalNumber(p, key, min, 65536, field);
    if (n === undefined) throw invalidParams(`${field}.${key}`, 'is required (a number)');
    return n;
  };
  return { x: side('x', 0), y: side('y', 0), width: side('width', 1), height: side('height', 1) };
}
