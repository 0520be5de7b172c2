// ResponseErrors with the documented codes (protocol/protocol.ts) and messages that name
// the problem. Every handler failure goes through toResponseError, so a bad request ends
// that request only.
import { ResponseError } from 'vscode-languageserver/node';
import {
  VlmErrorCodes,
  type EngineLimits,
  type VlmErrorCode,
  type VlmErrorData,
} from '../protocol/protocol';
import { isEngineErrorShape } from './engine-host/engine-error';

export function vlmError(
  code: VlmErrorCode,
  message: string,
  data?: VlmErrorData,
): ResponseError<VlmErrorData | undefined> {
  return new ResponseError(code, message, data);
}

export function invalidParams(
  field: string,
  problem: string,
): ResponseError<VlmErrorData | undefined> {
  return vlmError(VlmErrorCodes.InvalidParams, `invalid params: '${field}' ${problem}`, { field });
}

export function limitReached(
  code: VlmErrorCode,
  limit: keyof EngineLimits,
  max: number,
  actual: number,
  message: string,
): ResponseError<VlmErrorData | undefined> {
  return vlmError(code, `${message} (limit ${limit} = ${max}, setting vlm.limits.${limit})`, {
    limit,
    max,
    actual,
  });
}

export function cancelled(): ResponseError<VlmErrorData | undefined> {
  return vlmError(VlmErrorCodes.RequestCancelled, 'request cancelled');
}

/** Turns anything a handler threw into a ResponseError; unexpected errors become EngineFailed. */
export function toResponseError(error: unknown): ResponseError<VlmErrorData | undefined> {
  if (error instanceof ResponseError) return error as ResponseError<VlmErrorData | undefined>;
  if (isEngineErrorShape(error))
    return vlmError(error.code as VlmErrorCode, error.message, error.data);
  const message = error instanceof Error ? error.message : String(error);
  return vlmError(VlmErrorCodes.EngineFailed, `engine error: ${message}`);
}
