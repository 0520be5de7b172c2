// Engine limits: defaults, merged with initialization options and then settings; each value
// is checked so a bad setting is reported by name instead of silently misbehaving.
import type { EngineLimits } from '../../protocol/protocol';

export const DEFAULT_LIMITS: EngineLimits = {
  concurrentJobs: 2,
  queueLength: 16,
  requestTimeoutMs: 120_000,
  memoryBudgetMb: 4096,
  maxStreams: 4,
};

/** Minimum of each limit; requestTimeoutMs 0 means no timeout. */
const MINIMUM: EngineLimits = {
  concurrentJobs: 1,
  queueLength: 0,
  requestTimeoutMs: 0,
  memoryBudgetMb: 1,
  maxStreams: 0,
};

export interface LimitsResolution {
  limits: EngineLimits;
  /** One line per rejected value, naming the setting; the default (or earlier value) is kept. */
  problems: string[];
}

/** Applies each layer in order (initialization options, then settings) over the defaults. */
export function resolveLimits(...layers: (Partial<EngineLimits> | undefined)[]): LimitsResolution {
  const limits = { ...DEFAULT_LIMITS };
  const problems: string[] = [];
  for (const layer of layers) {
    if (!layer || typeof layer !== 'object') continue;
    for (const key of Object.keys(DEFAULT_LIMITS) as (keyof EngineLimits)[]) {
      const value = layer[key];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < MINIMUM[key]) {
        problems.push(
          `vlm.limits.${key} = ${JSON.stringify(value)} is not an integer >= ${MINIMUM[key]}; using ${limits[key]}`,
        );
        continue;
      }
      limits[key] = value;
    }
  }
  return { limits, problems };
}
