// Live sources (screen, camera, network): ffmpeg is read as fast as it produces, into a
// latest-wins queue, so a slow consumer costs dropped frames (counted) instead of memory
// or a stalled capture. When ffmpeg fails, the source is reopened with exponential
// backoff; after the last attempt the stream ends with an error that says why.
import { setTimeout as sleep } from 'node:timers/promises';
import { IngestAbortError, IngestError } from './errors';
import { LatestWinsQueue } from './latest-wins-queue';
import type { RawFrame } from './raw-frames';
import type { DecodeStats } from './types';

export interface ReconnectOptions {
  /** Attempts to open the source before giving up, counting the first (default 5). */
  attempts?: number;
  /** Wait before the first retry; doubles each time (default 500 ms). */
  initialDelayMs?: number;
  /** Longest wait between attempts (default 8000 ms). */
  maxDelayMs?: number;
}

export interface LiveOptions {
  source: string;
  signal?: AbortSignal;
  /** Frames held for the consumer before the oldest is dropped (default 4). */
  queueSize?: number;
  reconnect?: ReconnectOptions;
  stats: DecodeStats;
}

export type LiveFrame = RawFrame & { droppedBefore: number };

/** Errors that another attempt cannot fix. */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof IngestError &&
    (error.code === 'aborted' ||
      error.code === 'ffmpeg-missing' ||
      error.code === 'too-many-pixels')
  );
}

function linkedController(signal?: AbortSignal): AbortController {
  const controller = new AbortController();
  if (signal?.aborted) controller.abort();
  signal?.addEventListener('abort', () => controller.abort(), { once: true });
  return controller;
}

/** Opens the source (with retries) and feeds its frames into the queue until it ends. */
async function pump(
  open: (signal: AbortSignal) => AsyncIterable<RawFrame>,
  queue: LatestWinsQueue<RawFrame>,
  options: LiveOptions,
  signal: AbortSignal,
): Promise<void> {
  const attempts = options.reconnect?.attempts ?? 5;
  const initialDelay = options.reconnect?.initialDelayMs ?? 500;
  const maxDelay = options.reconnect?.maxDelayMs ?? 8000;
  let failures = 0;
  // Keeps time moving forward across reconnects (each new ffmpeg starts again at 0).
  let offset = 0;
  let lastTime = -Infinity;
  let failedAt = 0;
  for (;;) {
    let first = true;
    try {
      for await (const frame of open(signal)) {
        if (first && lastTime > -Infinity)
          offset = lastTime + (Date.now() - failedAt) / 1000 - frame.ptsTime;
        first = false;
        failures = 0;
        lastTime = frame.ptsTime + offset;
        // After a reconnect the integer pts restarts; only the shifted seconds are meaningful.
        const shifted = {
          ...frame,
          ptsTime: lastTime,
          timeBase: offset ? undefined : frame.timeBase,
        };
        if (queue.push(shifted)) options.stats.framesDropped++;
      }
      return queue.close();
    } catch (error) {
      if (signal.aborted) return queue.close(new IngestAbortError(options.source));
      failures++;
      if (isPermanent(error) || failures >= attempts) {
        const why = error instanceof Error ? error.message : String(error);
        const permanent = isPermanent(error) && error instanceof IngestError;
        return queue.close(
          permanent
            ? error
            : new IngestError(
                'unavailable',
                options.source,
                `unavailable after ${failures} attempts: ${why}`,
              ),
        );
      }
      failedAt = Date.now();
      options.stats.reconnects++;
      const delay = Math.min(maxDelay, initialDelay * 2 ** (failures - 1));
      await sleep(delay, undefined, { signal }).catch(() => undefined);
    }
  }
}

/** Frames from a live source, dropping the oldest when the consumer falls behind. */
export async function* liveFrames(
  open: (signal: AbortSignal) => AsyncIterable<RawFrame>,
  options: LiveOptions,
): AsyncGenerator<LiveFrame> {
  const controller = linkedController(options.signal);
  const queue = new LatestWinsQueue<RawFrame>(options.queueSize ?? 4);
  const pumping = pump(open, queue, options, controller.signal);
  try {
    for (;;) {
      const next = await queue.take();
      if (!next) return;
      yield { ...next.item, droppedBefore: next.droppedBefore };
    }
  } finally {
    // Stops ffmpeg when the consumer breaks out early, and waits until it is reaped.
    controller.abort();
    await pumping;
  }
}
