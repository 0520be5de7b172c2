// Creating onnxruntime sessions with the user's provider, threading and memory
// settings. A provider that cannot be used falls back to CPU with a notice. Every live
// session is counted, so tests can prove that failed loads and disposed models leak none.
import './ort-env';
import * as ort from 'onnxruntime-node';
import type { ExecutionProviderChoice } from '../config';
import { resolveProvider, type ExecutionProviderName } from './providers';

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface SessionSettings {
  /** Execution provider choice; default 'auto'. */
  provider?: ExecutionProviderChoice;
  /** Threads inside one operator (0 or undefined: onnxruntime's default). */
  intraOpThreads?: number;
  /** Threads across independent operators (used only with parallel execution). */
  interOpThreads?: number;
  /** Graph optimisation level; default 'all'. */
  graphOptimization?: GraphOptimizationLevel;
  /** CPU memory arena; default on. Off trades speed for a smaller resident size. */
  memoryArena?: boolean;
  /** Called with a user-facing sentence when a provider falls back to CPU. */
  onNotice?: (message: string) => void;
}

let liveSessions = 0;

/** Sessions created by this module and not yet released. */
export function liveSessionCount(): number {
  return liveSessions;
}

/** A session plus a release() that is safe to call twice. */
export interface ManagedSession {
  session: ort.InferenceSession;
  provider: ExecutionProviderName;
  release(): Promise<void>;
}

export class SessionFactory {
  /** The provider sessions actually use (after any fallback). */
  provider: ExecutionProviderName;
  /** Why the requested provider is not used, when it is not. */
  notice?: string;

  constructor(private readonly settings: SessionSettings = {}) {
    const resolution = resolveProvider(settings.provider ?? 'auto');
    this.provider = resolution.provider;
    if (resolution.fallbackNotice) this.fallBack(resolution.fallbackNotice);
  }

  private fallBack(message: string): void {
    this.provider = 'cpu';
    this.notice = message;
    this.settings.onNotice?.(message);
  }

  private options(provider: ExecutionProviderName): ort.InferenceSession.SessionOptions {
    const s = this.settings;
    return {
      executionProviders: [provider],
      graphOptimizationLevel: s.graphOptimization ?? 'all',
      enableCpuMemArena: s.memoryArena ?? true,
      ...(s.intraOpThreads ? { intraOpNumThreads: s.intraOpThreads } : {}),
      ...(s.interOpThreads ? { interOpNumThreads: s.interOpThreads } : {}),
    };
  }

  /** Opens a model file (or bytes); `label` names it in errors. */
  async create(model: string | Uint8Array, label: string): Promise<ManagedSession> {
    let session: ort.InferenceSession;
    try {
      session = await this.open(model, this.provider);
    } catch (error) {
      if (this.provider === 'cpu') throw describe(error, label);
      // The provider was listed but cannot start here (e.g. WebGPU without an adapter).
      this.fallBack(
        `execution provider '${this.provider}' failed to start (${firstLine(error)}); using cpu`,
      );
      session = await this.open(model, 'cpu').catch((e) => {
        throw describe(e, label);
      });
    }
    liveSessions++;
    let released = false;
    return {
      session,
      provider: this.provider,
      release: async () => {
        if (released) return;
        released = true;
        liveSessions--;
        await session.release();
      },
    };
  }

  private open(model: string | Uint8Array, provider: ExecutionProviderName) {
    const options = this.options(provider);
    return typeof model === 'string'
      ? ort.InferenceSession.create(model, options)
      : ort.InferenceSession.create(model, options);
  }
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0];
}

function describe(error: unknown, label: string): Error {
  return new Error(`${label}: onnxruntime cannot load it: ${firstLine(error)}`);
}
