// The screenshot sessions of one process: a name maps to what the session remembers of
// its recent screenshots (the crop memo and the tile signature of the last one). Bounded
// three ways: an idle session expires, at most `maxSessions` live (least recently used
// goes first), and each memo is pruned to `maxBytes` after every screenshot.
import { SESSION_LIMITS } from '../../session/limits';
import { SessionCropMemo } from './crop-memo';
import type { ScreenAnalysis } from '../../ocr/types';
import type { TileSignature } from './tiles';

export interface ScreenSessionLimits {
  idleMs: number;
  maxSessions: number;
  maxBytes: number;
  /** Readings not used by any of the last this many screenshots are dropped. */
  keepFrames: number;
}

export const DEFAULT_SCREEN_SESSION_LIMITS: ScreenSessionLimits = {
  idleMs: SESSION_LIMITS.screenSessionIdleSec * 1000,
  maxSessions: SESSION_LIMITS.screenSessions,
  maxBytes: SESSION_LIMITS.screenSessionBytes,
  keepFrames: 2,
};

export interface ScreenSessionState {
  memo: SessionCropMemo;
  tiles?: TileSignature;
  lastUsedMs: number;
  /** The last result (without timings) and the query it answered. */
  last?: { result: Omit<ScreenAnalysis, 'timings'>; query?: string; maxMatches?: number };
  /** Settles when the screenshot being analysed in this session is done. */
  busy?: Promise<void>;
}

const NAME = /^[A-Za-z0-9._-]+$/;

/** A session name a caller gave is unusable: the message names the name and the rule. */
export class SessionNameError extends Error {
  constructor(name: string, problem: string) {
    super(`session name ${JSON.stringify(name.slice(0, 80))}: ${problem}`);
    this.name = 'SessionNameError';
  }
}

export function checkSessionName(name: unknown): string {
  if (typeof name !== 'string') throw new SessionNameError(String(name), 'must be a string');
  const max = SESSION_LIMITS.screenSessionNameChars;
  if (name.length === 0) throw new SessionNameError(name, 'is empty');
  if (name.length > max)
    throw new SessionNameError(name, `is ${name.length} characters long; the limit is ${max}`);
  if (!NAME.test(name) || name === '.' || name === '..')
    throw new SessionNameError(name, 'may hold only letters, digits, ".", "_" and "-"');
  return name;
}

export class ScreenSessions {
  private readonly sessions = new Map<string, ScreenSessionState>();

  constructor(
    readonly limits: ScreenSessionLimits = DEFAULT_SCREEN_SESSION_LIMITS,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * The named session, created when it does not exist or has expired (`fresh` says so).
   * Using a session makes it the most recently used one.
   */
  open(name: string): { state: ScreenSessionState; fresh: 'new' | 'expired' | undefined } {
    checkSessionName(name);
    const now = this.clock();
    let state = this.sessions.get(name);
    const expired = state !== undefined && now - state.lastUsedMs > this.limits.idleMs;
    this.expire(now);
    let fresh: 'new' | 'expired' | undefined;
    if (!state || expired) {
      fresh = expired ? 'expired' : 'new';
      state = { memo: new SessionCropMemo(), lastUsedMs: now };
    }
    state.lastUsedMs = now;
    // Map order is the LRU order: re-inserting moves the session to the end.
    this.sessions.delete(name);
    this.sessions.set(name, state);
    while (this.sessions.size > this.limits.maxSessions)
      this.sessions.delete(this.sessions.keys().next().value!);
    return { state, fresh };
  }

  /** Puts back a session saved by another process (disk.ts); it expires by its own last use. */
  restore(name: string, state: ScreenSessionState): void {
    this.sessions.set(checkSessionName(name), state);
  }

  /** The live state of a session, for saving it; undefined when there is none. */
  peek(name: string): ScreenSessionState | undefined {
    return this.sessions.get(name);
  }

  /** Forgets a session; true when it existed. */
  delete(name: string): boolean {
    return this.sessions.delete(checkSessionName(name));
  }

  has(name: string): boolean {
    this.expire(this.clock());
    return this.sessions.has(name);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Bytes of remembered readings across all sessions. */
  get bytes(): number {
    let sum = 0;
    for (const state of this.sessions.values()) sum += state.memo.bytes;
    return sum;
  }

  private expire(now: number): void {
    for (const [name, state] of this.sessions)
      if (now - state.lastUsedMs > this.limits.idleMs) this.sessions.delete(name);
  }
}
