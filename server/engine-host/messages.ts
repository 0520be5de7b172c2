// Messages between the server's message loop (host.ts) and the engine worker (worker.ts).
import type { EngineErrorShape } from './engine-error';
import type { EngineMethod, EngineNotice, JobEvent } from './types';

export type HostToWorker =
  | { type: 'call'; id: number; method: EngineMethod; params: unknown }
  | { type: 'cancel'; id: number };

export type WorkerToHost =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: EngineErrorShape }
  | { type: 'event'; id: number; event: JobEvent }
  | { type: 'notice'; notice: EngineNotice };
