// Turns protocol notifications and ask results into panel messages. Used by the panel host
// and by the browser test, which feeds a recorded session through the same path.
import type {
  AskResult,
  CacheStatsResult,
  EngineStatus,
  StreamSummary,
} from '../../protocol/protocol';
import {
  CacheStatsNotification,
  EngineStatusNotification,
  StreamStatusNotification,
} from '../../protocol/protocol';
import type { AskSample, PanelBudgets, PanelMessage } from './messages';
import type { VlmSettings } from '../settings/validate';

export function panelMessageFromNotification(
  method: string,
  params: unknown,
  atMs: number,
): PanelMessage | undefined {
  switch (method) {
    case EngineStatusNotification.method:
      return { type: 'engine', status: params as EngineStatus };
    case StreamStatusNotification.method:
      return { type: 'stream', stream: params as StreamSummary };
    case CacheStatsNotification.method:
      return { type: 'stats', atMs, stats: params as CacheStatsResult };
    default:
      return undefined;
  }
}

/**
 * One ask for the latency charts. `firstTokenMs` is measured by the client (request sent to
 * first vlm/askToken); without it, the server's queue + retrieval + prefill times stand in.
 */
export function askSample(
  result: AskResult,
  streamId: string | undefined,
  firstTokenMs?: number,
): AskSample {
  const t = result.timings;
  const ttftMs = firstTokenMs ?? (t.queuedMs ?? 0) + (t.retrievalMs ?? 0) + (t.prefillMs ?? 0);
  const tokens = t.tokens ?? 0;
  const tpotMs = t.decodeMs !== undefined && tokens > 1 ? t.decodeMs / (tokens - 1) : undefined;
  const retrieved = result.evidence
    // Servers that say so mark what came back from the offloaded tier; for older ones,
    // everything with a frame that recency did not pick counts as retrieved.
    .filter((e) => e.frameIndex !== undefined && (e.retrieved ?? e.reason !== 'recent'))
    .map((e) => ({ frameIndex: e.frameIndex!, timeSec: e.timeSec, score: e.score ?? 0 }));
  return { streamId, ttftMs, tpotMs, tokens, retrieved };
}

export function budgetsFromSettings(s: VlmSettings): PanelBudgets {
  return {
    sinkTokens: s.budget.sinkTokens,
    recentBlocks: s.budget.recentBlocks,
    topK: s.budget.topK,
    maxContextTokens: s.budget.maxContextTokens,
    memoryBytes: s.limits.memoryBudgetMb * 2 ** 20,
    diskBytes: s.cache.diskBudgetMB * 2 ** 20,
  };
}
