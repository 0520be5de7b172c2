// Creating onnxruntime sessions with the user's provider, threading and memory
// settings. A provider that cannot be used falls back to CPU with a notice. Every live
// session is counted, so tests can prove that failed loads and disposed models leak none.
import './ort-env';
import { statSync } from 'node:fs';
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
  /**
   * CPU memory arena; default on. Off lowered `vlm ask`'s peak RSS by 230 MB on a q8 model,
   * but a long-running server then kept 20% more resident after mixed load than before it
   * (glibc keeps freed activation buffers); the arena holds them in one place and reuses them.
   */
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
    // onnxruntime's own words for an empty file are a C++ source location and signature.
    if (byteSize(model) === 0) throw new Error(`${label}: file is empty (0 bytes)`);
    let session: ort.InferenceSession;
    try {
      session = await this.open(model, this.provider);
    } catch (error) {
      if (this.provider === 'cpu') throw describeLoadError(error, label);
      // The provider was listed but cannot start here (e.g. WebGPU without an adapter).
      this.fallBack(
        `execution provider '${this.provider}' failed to start (${plainOrtMessage(firstLine(error))}); using cpu`,
      );
      session = await this.open(model, 'cpu').catch((e) => {
        throw describeLoadError(e, label);
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

function byteSize(model: string | Uint8Array): number | undefined {
  if (typeof model !== 'string') return model.byteLength;
  try {
    return statSync(model).size;
  } catch {
    return undefined; // onnxruntime says why it cannot open it
  }
}

/**
 * onnxruntime's message without what means nothing to a user: the "Load model from PATH
 * failed:" preamble (the label names the file), `[ONNXRuntimeError] : 2 : INVALID_ARGUMENT :`
 * prefixes, and C++ source locations with the function signature after them
 * (`/onnxruntime_src/onnxruntime/core/graph/model.cc:187 onnxruntime::Model::Model(...)`).
 */
export function plainOrtMessage(message: string): string {
  return message
    .replace(/^\s*Load model from .*? failed:\s*/, '')
    .replace(/\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*[A-Z_]+\s*:\s*/g, '')
    .replace(
      /(?:[A-Za-z]:)?[^\s:]*[\\/][^\s:]*\.(?:cc|cpp|cxx|h|hpp):\d+\s*(?:[\w:~<>]+::[\w~<>]+\([^)]*\)(?:\s*const)?\s*)?/g,
      '',
    )
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Why a model file cannot be loaded, in words; onnxruntime's full text stays on `cause`
 * (VLM_DEBUG prints it) and never in the message a user sees.
 */
export function describeLoadError(error: unknown, label: string): Error {
  const full = String(error instanceof Error ? error.message : error);
  const why = /protobuf parsing failed/i.test(full)
    ? 'not a valid ONNX model (truncated or damaged: protobuf parsing failed)'
    : `onnxruntime cannot load it: ${plainOrtMessage(firstLine(full)) || 'no reason given'}`;
  return new Error(`${label}: ${why}`, { cause: error });
}
