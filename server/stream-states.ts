// The latest summary of every open stream, as the engine last reported it, and the wait of
// an ask that should answer only once its file is encoded. Kept apart from the handlers so
// that progress, status and asks read one truth, and so that the waiting is unit-tested.
import type { StreamSummary } from '../protocol/protocol';

/** States after which a stream encodes nothing more. */
const FINAL_STATES = new Set<StreamSummary['state']>(['ready', 'ended', 'failed', 'closed']);

export const isFinal = (state: StreamSummary['state']): boolean => FINAL_STATES.has(state);

export class StreamStates {
  private readonly latest = new Map<string, StreamSummary>();
  private readonly listeners = new Set<(summary: StreamSummary) => void>();

  /** Records a summary; a closed stream is forgotten, so a reopened one starts clean. */
  update(summary: StreamSummary): void {
    if (summary.state === 'closed') this.latest.delete(summary.streamId);
    else this.latest.set(summary.streamId, { ...summary });
    for (const listener of [...this.listeners]) listener(summary);
  }

  /** Forgets every stream (the engine restarted: none of them is open any more). */
  clear(): void {
    this.latest.clear();
  }

  get(streamId: string): StreamSummary | undefined {
    return this.latest.get(streamId);
  }

  /** Streams still encoding, in the order they were opened. */
  encoding(): StreamSummary[] {
    return [...this.latest.values()].filter((s) => !isFinal(s.state));
  }

  /** Calls `listener` on every update until the returned function is called. */
  onUpdate(listener: (summary: StreamSummary) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Whether an ask with `untilEncoded` about this stream has to wait: a file not yet encoded. */
export function mustWaitForEncoding(summary: StreamSummary | undefined): boolean {
  return summary !== undefined && summary.source.kind === 'file' && !isFinal(summary.state);
}

/** What the progress of a waiting ask says. */
export function encodingMessage(summary: StreamSummary): string {
  const pct = summary.percentage !== undefined ? `${Math.floor(summary.percentage)}%` : 'started';
  return `Encoding ${summary.label}: ${pct} — the answer follows when it is encoded`;
}

export type WaitOutcome = 'encoded' | 'answerNow' | 'notNeeded';

export interface WaitOptions {
  /** Aborted when the ask is cancelled: the wait rejects with the signal's reason. */
  signal: AbortSignal;
  /** Resolves when the user chooses to answer from what is encoded so far. */
  answerNow: Promise<void>;
  onProgress: (message: string, percentage?: number) => void;
}

/**
 * Waits until the stream's file is encoded (or failed, or closed), reporting each update.
 * Resolves 'notNeeded' at once for a stream that is live, already encoded or unknown (the
 * ask then answers, or fails with the engine's own error for an unknown stream).
 */
export function waitUntilEncoded(
  states: StreamStates,
  streamId: string,
  options: WaitOptions,
): Promise<WaitOutcome> {
  const first = states.get(streamId);
  if (!mustWaitForEncoding(first)) return Promise.resolve('notNeeded');
  options.signal.throwIfAborted();
  return new Promise<WaitOutcome>((resolve, reject) => {
    const finish = (outcome: WaitOutcome | Error) => {
      stop();
      options.signal.removeEventListener('abort', onAbort);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onAbort = () => finish(abortError(options.signal));
    const stop = states.onUpdate((summary) => {
      if (summary.streamId !== streamId) return;
      if (isFinal(summary.state)) finish('encoded');
      else options.onProgress(encodingMessage(summary), summary.percentage);
    });
    options.signal.addEventListener('abort', onAbort, { once: true });
    void options.answerNow.then(() => finish('answerNow'));
    options.onProgress(encodingMessage(first!), first!.percentage);
  });
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('the ask was cancelled');
}
