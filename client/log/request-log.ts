// Logs every request the extension sends to the language server, in one place: the
// language client's sendRequest middleware. Successes at info with their duration,
// cancellations at info, failures at error with the server's code and data.
import type * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';
import { VlmErrorCodes } from '../../protocol/protocol';
import { cancelledRequestLine, failedRequestLine, requestLine } from './format';

type Log = Pick<vscode.LogOutputChannel, 'info' | 'error' | 'trace'>;

export function requestLogMiddleware(log: Log, now = () => performance.now()): Middleware {
  return {
    sendRequest: async (type, param, token, next) => {
      const method = typeof type === 'string' ? type : type.method;
      const started = now();
      log.trace(`${method} sent`);
      try {
        const result = await next(type, param, token);
        log.info(requestLine(method, now() - started));
        return result;
      } catch (error) {
        const ms = now() - started;
        if ((error as { code?: unknown })?.code === VlmErrorCodes.RequestCancelled) {
          log.info(cancelledRequestLine(method, ms));
        } else {
          log.error(failedRequestLine(method, ms, error));
        }
        throw error;
      }
    },
  };
}
