// Checks request params before any work starts, so a malformed request gets an
// InvalidParams error naming the field instead of failing somewhere inside the engine.
import type {
  AskParams,
  Box,
  ImageRef,
  OpenStreamParams,
  StreamSource,
} from '../protocol/protocol';
import { SESSION_LIMITS } from '../engine/session';
import { invalidParams } from './errors';

export type Fields = Record<string, unknown>;

/** Largest base64 image accepted (characters), about 48 MiB of bytes. */
export const MAX_BASE64_CHARS = 64 * 2 ** 20;

export function object(value: unknown, field = 'params'): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidParams(field, 'must be an object');
  return value as Fields;
}

export function string(p: Fields, field: string, maxLength = 4096): string {
  const value = p[field];
  if (typeof value !== 'string' || value.length === 0)
    throw invalidParams(field, 'must be a non-empty string');
  if (value.length > maxLength)
    throw invalidParams(field, `is longer than ${maxLength} characters (${value.length})`);
  return value;
}

export function optionalString(p: Fields, field: string): string | undefined {
  return p[field] === undefined ? undefined : string(p, field);
}

export function optionalNumber(
  p: Fields,
  field: string,
  min: number,
  max: number,
): number | undefined {
  const value = p[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
    throw invalidParams(field, `must be a number from ${min} to ${max}`);
  return value;
}

export function imageRef(value: unknown, field = 'image'): ImageRef {
  const p = object(value, field);
  if (typeof p.uri === 'string') return { uri: string(p, 'uri') };
  if (typeof p.base64 === 'string') {
    if (p.base64.length > MAX_BASE64_CHARS)
      throw invalidParams(`${field}.base64`, `is larger than ${MAX_BASE64_CHARS} characters`);
    const mimeType = p.mimeType === undefined ? undefined : string(p, 'mimeType');
    return { base64: p.base64, mimeType };
  }
  throw invalidParams(field, "must have 'uri' (a file URI) or 'base64' (image bytes)");
}

export function streamSource(value: unknown): StreamSource {
  const p = object(value, 'source');
  const fps = optionalNumber(p, 'framerate', 0.01, 240);
  switch (p.kind) {
    case 'file':
      return { kind: 'file', uri: string(p, 'uri'), follow: p.follow === true };
    case 'url':
      return {
        kind: 'url',
        url: string(p, 'url'),
        rtspTransport: p.rtspTransport === 'udp' ? 'udp' : undefined,
      };
    case 'live':
      return { kind: 'live', input: string(p, 'input'), format: optionalString(p, 'format') };
    case 'screen':
      return {
        kind: 'screen',
        display: optionalString(p, 'display'),
        region: p.region === undefined ? undefined : box(p.region, 'source.region'),
        framerate: fps,
      };
    case 'camera':
      return {
        kind: 'camera',
        device: optionalString(p, 'device'),
        width: optionalNumber(p, 'width', 1, 16384),
        height: optionalNumber(p, 'height', 1, 16384),
        framerate: fps,
      };
    default:
      throw invalidParams('source.kind', "must be 'file', 'live', 'screen', 'camera' or 'url'");
  }
}

export function openStreamParams(value: unknown): OpenStreamParams {
  const p = object(value);
  return {
    source: streamSource(p.source),
    label: optionalString(p, 'label'),
    sampleFps: optionalNumber(p, 'sampleFps', 0.01, 240),
    maxFrames: optionalNumber(p, 'maxFrames', 1, 10_000_000),
    waitForEncoding: p.waitForEncoding === true,
    workDoneToken: p.workDoneToken as OpenStreamParams['workDoneToken'],
  };
}

export function askParams(value: unknown): AskParams {
  const p = object(value);
  const params: AskParams = {
    askId: string(p, 'askId', 200),
    question: string(p, 'question', SESSION_LIMITS.questionChars),
    streamId: optionalString(p, 'streamId'),
    image: p.image === undefined ? undefined : imageRef(p.image),
    maxTokens: optionalNumber(p, 'maxTokens', 1, 8192),
    workDoneToken: p.workDoneToken as AskParams['workDoneToken'],
  };
  if (p.timeRange !== undefined) {
    const range = object(p.timeRange, 'timeRange');
    params.timeRange = {
      fromSec: optionalNumber(range, 'fromSec', 0, Number.MAX_SAFE_INTEGER),
      toSec: optionalNumber(range, 'toSec', 0, Number.MAX_SAFE_INTEGER),
    };
  }
  if (!params.streamId && !params.image) throw invalidParams('streamId', "or 'image' is required");
  return params;
}

export function streamId(value: unknown): string {
  return string(object(value), 'streamId', 200);
}

function box(value: unknown, field: string): Box {
  const p = object(value, field);
  const side = (name: string, min: number) => {
    const n = optionalNumber(p, name, min, 65536);
    if (n === undefined) throw invalidParams(`${field}.${name}`, 'is required');
    return n;
  };
  return { x: side('x', 0), y: side('y', 0), width: side('width', 1), height: side('height', 1) };
}
