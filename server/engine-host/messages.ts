// Messages between the server's message loop (host.ts) and the engine worker (worker.ts).
import type { EngineErrorShape } from './engine-error';
import type { EngineCallMap } from './calls';

export type EngineMethod = keyof EngineCallMap;

/** Events a running call reports before its result. */
export type JobEvent =
  | { kind: 'token'; text: string }
  | { kind: 'progress'; message?: string; percentage?: number };

/** Unsolicited events from the engine (stream state changes, status). */
export interface EngineNotice {
  kind: 'streamStatus' | 'engineState';
  payload: unknown;
}

export type HostToWorker =
  | { type: 'call'; id: number; method: EngineMethod; params: unknown }
  | { type: 'cancel'; id: number };

export type WorkerToHost =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: EngineErrorShape }
  | { type: 'event'; id: number; event: JobEvent }
  | { type: 'notice'; notice: EngineNotice };
