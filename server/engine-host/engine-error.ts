// The error the engine worker throws and posts back: a protocol error code, a message
// that names the problem, and data. Plain fields, so it survives postMessage.
import { VlmErrorCodes, type VlmErrorCode, type VlmErrorData } from '../../protocol/protocol';

export interface EngineErrorShape {
  code: number;
  message: string;
  data?: VlmErrorData;
}

export class EngineError extends Error implements EngineErrorShape {
  override name = 'EngineError';
  constructor(
    readonly code: VlmErrorCode,
    message: string,
    readonly data?: VlmErrorData,
  ) {
    super(message);
  }
}

export function isEngineErrorShape(value: unknown): value is EngineErrorShape {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'number' && typeof v.message === 'string';
}

/** The method needs an engine piece this build does not have. */
export function notAvailable(capability: string, what: string): EngineError {
  return new EngineError(
    VlmErrorCodes.NotAvailable,
    `${what} is not available: the engine's '${capability}' capability is not in this build`,
    { capability },
  );
}

export function serializeError(error: unknown): EngineErrorShape {
  if (error instanceof EngineError)
    return { code: error.code, message: error.message, data: error.data };
  if (isEngineErrorShape(error))
    return { code: error.code, message: error.message, data: error.data };
  const message = error instanceof Error ? error.message : String(error);
  return { code: VlmErrorCodes.EngineFailed, message: `engine error: ${message}` };
}
