// The defaults every entry point shares. An entry point may expose a setting for each,
// in the same unit; none keeps a default of its own.
export const SESSION_DEFAULTS = {
  /** Frames per second sampled from a video or a live source. */
  fps: 1,
  /** Longest answer, in tokens. */
  maxTokens: 128,
  /**
   * Read the on-screen text of each encoded frame (search, evidence text, retrieval):
   * 'auto' reads screenshots and screen recordings and skips camera footage.
   */
  screenText: 'auto',
} as const;

/** Limits every entry point enforces the same way: see limits.ts and validate.ts. */
export { SESSION_LIMITS } from './limits';
