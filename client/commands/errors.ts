// Turns a failed request into one line for the user: the server's message names the problem;
// cancellation is not an error.
import { ResponseError } from 'vscode-languageclient/node';
import { VlmErrorCodes } from '../../protocol/protocol';

export function isCancellation(error: unknown): boolean {
  return error instanceof ResponseError && error.code === VlmErrorCodes.RequestCancelled;
}

export function errorText(error: unknown): string {
  if (error instanceof ResponseError) {
    const name = Object.entries(VlmErrorCodes).find(([, code]) => code === error.code)?.[0];
    return name && !['InvalidParams', 'MethodNotFound'].includes(name)
      ? `${error.message} (${name})`
      : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
