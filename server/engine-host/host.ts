// Owns the engine worker thread: starts it, sends it calls, routes their tokens and
// progress back, forwards cancellation, and restarts it if it dies (failing the calls
// that were in flight with EngineFailed) so one crash never takes the server down.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
// onnxruntime runs in the worker, whose process.env is a private copy: its telemetry
// switch must be set in the real environment here, before the worker starts.
import '../../engine/runtime/ort-env';
import { VlmErrorCodes } from '../../protocol/protocol';
import { EngineError, type EngineErrorShape } from './engine-error';
import { snapshotOnSignal } from '../memory-probe';
import type { HostToWorker, WorkerToHost } from './messages';
import type { EngineCallMap, EngineNotice, JobEvent } from './types';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: EngineErrorShape) => void;
  onEvent?: (event: JobEvent) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
  onEvent?: (event: JobEvent) => void;
}

export const ENGINE_WORKER_ROLE = 'vlm-engine-worker';

export class EngineHost {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private stopped = false;

  constructor(private readonly onNotice: (notice: EngineNotice) => void = () => {}) {
    snapshotOnSignal(() => this.worker);
  }

  call<M extends keyof EngineCallMap>(
    method: M,
    params: EngineCallMap[M][0],
    options: CallOptions = {},
  ): Promise<EngineCallMap[M][1]> {
    if (this.stopped)
      return Promise.reject(new EngineError(VlmErrorCodes.ShuttingDown, 'the engine has stopped'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => this.post(worker, { type: 'cancel', id });
      const settle = () => options.signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (value) => (settle(), resolve(value as EngineCallMap[M][1])),
        reject: (error) => (settle(), reject(error)),
        onEvent: options.onEvent,
      });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.post(worker, { type: 'call', id, method, params });
    });
  }

  /** Stops the worker; in-flight calls fail with ShuttingDown. */
  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failAll({ code: VlmErrorCodes.ShuttingDown, message: 'the engine has stopped' });
    if (worker) await worker.terminate();
  }

  private post(worker: Worker, message: HostToWorker): void {
    worker.postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker();
    worker.on('message', (message: WorkerToHost) => this.receive(message));
    worker.on('error', (error) => this.workerDied(worker, error.message));
    worker.on('exit', (code) => this.workerDied(worker, `exited with code ${code}`));
    // The worker must not keep the process alive once the connection is gone.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private receive(message: WorkerToHost): void {
    if (message.type === 'notice') return this.onNotice(message.notice);
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'event') return pending.onEvent?.(message.event);
    this.pending.delete(message.id);
    if (message.type === 'result') pending.resolve(message.result);
    else pending.reject(message.error);
  }

  private workerDied(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (this.stopped) return;
    this.failAll({
      code: VlmErrorCodes.EngineFailed,
      message: `the engine worker stopped (${why}); open streams are lost, the next request starts a new engine`,
    });
    this.onNotice({
      kind: 'engineState',
      payload: { state: 'error', error: `engine worker ${why}` },
    });
  }

  private failAll(error: EngineErrorShape): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }
}

/** Under tsx (sources) the worker needs the tsx loader; the bundle runs itself as the worker. */
function startWorker(): Worker {
  const options = { workerData: { role: ENGINE_WORKER_ROLE }, stdout: true, stderr: true };
  let worker: Worker;
  if (__filename.endsWith('.ts')) {
    const entry = join(__dirname, '..', 'engine-worker', 'worker-main.ts');
    worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, {
      ...options,
      eval: true,
    });
  } else {
    worker = new Worker(__filename, options);
  }
  // Engine libraries may print; stdout may be the LSP channel, so everything goes to stderr.
  worker.stdout.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  worker.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return worker;
}
