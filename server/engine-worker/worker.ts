// The engine worker thread: receives calls from the host, runs them through the facade
// with an AbortSignal per call, and posts results, errors, tokens and progress back.
import { parentPort } from 'node:worker_threads';
import { serializeError } from '../engine-host/engine-error';
import type { HostToWorker, WorkerToHost } from '../engine-host/messages';
import type { CallContext, EngineMethod } from '../engine-host/types';
import { startMemorySampling } from '../memory-probe';
import { engineFacade } from './facade';

export function runEngineWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('runEngineWorker must run in a worker thread');
  const running = new Map<number, AbortController>();
  const post = (message: WorkerToHost) => port.postMessage(message);
  startMemorySampling('worker');

  port.on('message', (message: HostToWorker) => {
    if (message.type === 'cancel') {
      running.get(message.id)?.abort(new Error('cancelled'));
      return;
    }
    const controller = new AbortController();
    running.set(message.id, controller);
    const ctx: CallContext = {
      signal: controller.signal,
      emit: (event) => post({ type: 'event', id: message.id, event }),
      notify: (notice) => post({ type: 'notice', notice }),
    };
    call(message.method, message.params, ctx)
      .then(
        (result) => post({ type: 'result', id: message.id, result }),
        (error: unknown) => post({ type: 'error', id: message.id, error: serializeError(error) }),
      )
      .finally(() => running.delete(message.id));
  });
}

function call(method: EngineMethod, params: unknown, ctx: CallContext): Promise<unknown> {
  const fn = engineFacade[method] as (p: unknown, c: CallContext) => Promise<unknown>;
  if (typeof fn !== 'function') return Promise.reject(new Error(`unknown engine method ${method}`));
  return fn(params, ctx);
}
