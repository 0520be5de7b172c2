// The messages the diagnostics panel host posts to its webview (media/diagnostics.js), and
// the replay buffer that lets a panel that was hidden or reloaded catch up. Pure: no vscode.
import type { CacheStatsResult, EngineStatus, StreamSummary } from '../../protocol/protocol';

/** Budgets the bars are drawn against (from the validated settings). */
export interface PanelBudgets {
  sinkTokens: number;
  recentBlocks: number;
  topK: number;
  maxContextTokens: number;
  memoryBytes: number;
  diskBytes: number;
}

/** One answered question: client-measured time to first token, time per output token. */
export interface AskSample {
  streamId?: string;
  ttftMs: number;
  tpotMs?: number;
  tokens: number;
  retrieved: { frameIndex: number; timeSec: number; score: number }[];
}

export type PanelMessage =
  | { type: 'budgets'; budgets: PanelBudgets }
  | { type: 'engine'; status: EngineStatus }
  | { type: 'stream'; stream: StreamSummary }
  | { type: 'stats'; atMs: number; stats: CacheStatsResult }
  | ({ type: 'ask'; atMs: number } & AskSample)
  | { type: 'replay'; messages: PanelMessage[] };

/** Webview -> host. */
export type PanelRequest =
  | { type: 'ready' }
  | { type: 'showFrame'; streamId: string; timeSec: number };

/**
 * Keeps what a fresh webview needs to draw the current picture: the latest budgets, engine
 * status and stream summaries, plus the last `historyLimit` stats and ask samples for the
 * charts. Bounded, so a long session does not grow the host's memory.
 */
export class PanelFeed {
  private budgets?: PanelMessage;
  private engine?: PanelMessage;
  private readonly streams = new Map<string, PanelMessage>();
  private history: PanelMessage[] = [];
  /** Streams that closed: their statistics in the history are left out of a replay. */
  private readonly closed = new Set<string>();

  constructor(private readonly historyLimit = 240) {}

  record(message: PanelMessage): void {
    switch (message.type) {
      case 'budgets':
        this.budgets = message;
        return;
      case 'engine':
        this.engine = message;
        return;
      case 'stream':
        if (message.stream.state === 'closed') {
          this.streams.delete(message.stream.streamId);
          this.closed.add(message.stream.streamId);
        } else {
          this.streams.set(message.stream.streamId, message);
          this.closed.delete(message.stream.streamId);
        }
        return;
      case 'stats':
      case 'ask':
        this.history.push(message);
        if (this.history.length > this.historyLimit) {
          this.history = this.history.slice(-this.historyLimit);
          this.forgetClosedOutsideHistory();
        }
        return;
      case 'replay':
        message.messages.forEach((m) => this.record(m));
        return;
    }
  }

  /** Everything a new webview needs, oldest first. */
  replay(): PanelMessage {
    const head = [this.budgets, this.engine, ...this.streams.values()].filter(
      (m): m is PanelMessage => m !== undefined,
    );
    return {
      type: 'replay',
      messages: [...head, ...this.history.map((m) => this.withoutClosed(m))],
    };
  }

  private withoutClosed(message: PanelMessage): PanelMessage {
    if (message.type !== 'stats' || this.closed.size === 0) return message;
    const streams = message.stats.streams.filter((s) => !this.closed.has(s.streamId));
    return streams.length === message.stats.streams.length
      ? message
      : { ...message, stats: { ...message.stats, streams } };
  }

  /** Keeps `closed` bounded: an id no stats message in the history mentions is dropped. */
  private forgetClosedOutsideHistory(): void {
    for (const id of this.closed) {
      const mentioned = this.history.some(
        (m) => m.type === 'stats' && m.stats.streams.some((s) => s.streamId === id),
      );
      if (!mentioned) this.closed.delete(id);
    }
  }
}
