// The params check of every custom request, keyed by method. session.handle runs the
// method's check before its handler, so handlers receive typed, checked params and hold
// no checks of their own. Every vlm/ request belongs here (a test sends each one wrong
// params); a method without an entry reaches its handler with the params as sent.
import {
  AnalyzeScreenshotRequest,
  AskRequest,
  CacheStatsRequest,
  CloseStreamRequest,
  EngineStatusRequest,
  ListModelsRequest,
  ListStreamsRequest,
  MediaSummaryRequest,
  OpenStreamRequest,
  SearchTextRequest,
  TimelineRequest,
  SelectModelRequest,
  ValidateModelRequest,
  type AnalyzeScreenshotParams,
  type AskParams,
  type CacheStatsParams,
  type MediaSummaryParams,
  type OpenStreamParams,
  type SearchTextParams,
  type SelectModelParams,
  type StreamIdParams,
  type ValidateModelParams,
} from '../protocol/protocol';
import { checkSessionName } from '../engine/screen/session';
import { SESSION_LIMITS } from '../engine/session';
import { invalidParams } from './errors';
import {
  MAX_ID_CHARS,
  imageRef,
  noParams,
  object,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalProgressToken,
  optionalString,
  streamSource,
  string,
} from './params';

export type ParamsCheck = (raw: unknown) => unknown;

export function openStreamParams(value: unknown): OpenStreamParams {
  const p = object(value);
  return {
    source: streamSource(p.source),
    label: optionalString(p, 'label', 500),
    sampleFps: optionalNumber(p, 'sampleFps', 0.01, 240),
    maxFrames: optionalInteger(p, 'maxFrames', 1, 10_000_000),
    waitForEncoding: optionalBoolean(p, 'waitForEncoding') === true,
    workDoneToken: optionalProgressToken(p),
  };
}

export function askParams(value: unknown): AskParams {
  const p = object(value);
  const params: AskParams = {
    askId: string(p, 'askId', MAX_ID_CHARS),
    question: string(p, 'question', SESSION_LIMITS.questionChars),
    streamId: optionalString(p, 'streamId', MAX_ID_CHARS),
    image: p.image === undefined ? undefined : imageRef(p.image),
    maxTokens: optionalInteger(p, 'maxTokens', 1, 8192),
    untilEncoded: optionalBoolean(p, 'untilEncoded'),
    workDoneToken: optionalProgressToken(p),
  };
  if (p.timeRange !== undefined) {
    const range = object(p.timeRange, 'timeRange');
    const max = Number.MAX_SAFE_INTEGER;
    params.timeRange = {
      fromSec: optionalNumber(range, 'fromSec', 0, max, 'timeRange'),
      toSec: optionalNumber(range, 'toSec', 0, max, 'timeRange'),
    };
  }
  if (!params.streamId && !params.image) throw invalidParams('streamId', "or 'image' is required");
  return params;
}

export function streamIdParams(value: unknown): StreamIdParams {
  return { streamId: string(object(value), 'streamId', MAX_ID_CHARS) };
}

function analyzeScreenshotParams(value: unknown): AnalyzeScreenshotParams {
  const p = object(value);
  const session = optionalString(p, 'session', SESSION_LIMITS.screenSessionNameChars);
  try {
    if (session !== undefined) checkSessionName(session);
  } catch (error) {
    throw invalidParams('session', (error as Error).message);
  }
  return {
    image: imageRef(p.image),
    query: optionalString(p, 'query', SESSION_LIMITS.textQueryChars),
    ...(session !== undefined ? { session } : {}),
    workDoneToken: optionalProgressToken(p),
  };
}

function searchTextParams(value: unknown): SearchTextParams {
  const p = object(value);
  return {
    streamId: string(p, 'streamId', MAX_ID_CHARS),
    query: string(p, 'query', SESSION_LIMITS.textQueryChars),
    limit: optionalInteger(p, 'limit', 1, 1000),
  };
}

function cacheStatsParams(value: unknown): CacheStatsParams {
  if (value === undefined || value === null) return {};
  return { streamId: optionalString(object(value), 'streamId', MAX_ID_CHARS) };
}

function mediaSummaryParams(value: unknown): MediaSummaryParams {
  const p = object(value);
  return { uri: string(p, 'uri'), withText: optionalBoolean(p, 'withText') !== false };
}

function validateModelParams(value: unknown): ValidateModelParams {
  return { path: string(object(value), 'path') };
}

function selectModelParams(value: unknown): SelectModelParams {
  const p = object(value);
  return { model: string(p, 'model'), workDoneToken: optionalProgressToken(p) };
}

const none: ParamsCheck = (value) => noParams(value);

export const METHOD_PARAMS: Record<string, ParamsCheck> = {
  [OpenStreamRequest.method]: openStreamParams,
  [CloseStreamRequest.method]: streamIdParams,
  [ListStreamsRequest.method]: none,
  [AskRequest.method]: askParams,
  [AnalyzeScreenshotRequest.method]: analyzeScreenshotParams,
  [SearchTextRequest.method]: searchTextParams,
  [TimelineRequest.method]: streamIdParams,
  [CacheStatsRequest.method]: cacheStatsParams,
  [EngineStatusRequest.method]: none,
  [ListModelsRequest.method]: none,
  [ValidateModelRequest.method]: validateModelParams,
  [SelectModelRequest.method]: selectModelParams,
  [MediaSummaryRequest.method]: mediaSummaryParams,
};
