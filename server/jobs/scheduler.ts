// Runs engine jobs under the limits: at most `concurrentJobs` at once, at most `queueLength`
// waiting, each stopped after `requestTimeoutMs`, none started while memory is over
// `memoryBudgetMb`. Cancellation and timeout abort the job's signal; the engine stops at its
// next step boundary, and the request is answered at once.
import type { CancellationToken } from 'vscode-languageserver/node';
import { VlmErrorCodes, type EngineLimits } from '../../protocol/protocol';
import { cancelled, limitReached, vlmError } from '../errors';

export type Work<T> = (signal: AbortSignal) => Promise<T>;

interface QueuedJob {
  start: () => void;
  reject: (error: unknown) => void;
}

type AbortKind = 'cancelled' | 'timeout' | 'shutdown';

class JobAborted extends Error {
  constructor(readonly kind: AbortKind) {
    super(kind);
  }
}

export class JobScheduler {
  private active = 0;
  private readonly queue: QueuedJob[] = [];
  private closed = false;

  constructor(
    private readonly limits: () => EngineLimits,
    private readonly memoryBytes: () => number,
    private readonly onChange: () => void = () => {},
  ) {}

  get activeJobs(): number {
    return this.active;
  }

  get queuedJobs(): number {
    return this.queue.length;
  }

  /** Rejects new jobs from now on and aborts the waiting ones. */
  close(): void {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(shuttingDown());
    this.onChange();
  }

  /** Throws MemoryBudgetExceeded when the engine is over budget (also used before opening streams). */
  checkMemory(): void {
    const limit = this.limits().memoryBudgetMb;
    const usedMb = Math.round(this.memoryBytes() / 2 ** 20);
    if (usedMb > limit)
      throw limitReached(
        VlmErrorCodes.MemoryBudgetExceeded,
        'memoryBudgetMb',
        limit,
        usedMb,
        `engine memory ${usedMb} MiB is over the budget of ${limit} MiB; close streams or raise the budget`,
      );
  }

  run<T>(work: Work<T>, token?: CancellationToken): Promise<T> {
    if (this.closed) return Promise.reject(shuttingDown());
    if (token?.isCancellationRequested) return Promise.reject(cancelled());
    try {
      this.checkMemory();
    } catch (error) {
      return Promise.reject(error);
    }
    const limits = this.limits();
    if (this.active >= limits.concurrentJobs && this.queue.length >= limits.queueLength) {
      return Promise.reject(
        limitReached(
          VlmErrorCodes.QueueFull,
          'queueLength',
          limits.queueLength,
          this.queue.length + 1,
          `job queue is full: ${this.active} running, ${this.queue.length} waiting`,
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const controller = new AbortController();
      const timer =
        limits.requestTimeoutMs > 0
          ? setTimeout(() => controller.abort(new JobAborted('timeout')), limits.requestTimeoutMs)
          : undefined;
      const cancelListener = token?.onCancellationRequested(() =>
        controller.abort(new JobAborted('cancelled')),
      );
      const cleanup = () => {
        if (timer) clearTimeout(timer);
        cancelListener?.dispose();
      };
      const fail = (error: unknown) => {
        cleanup();
        reject(error);
      };
      const aborted = () => abortError(controller.signal.reason, limits.requestTimeoutMs);

      const job: QueuedJob = {
        start: () => {
          if (controller.signal.aborted) return fail(aborted());
          this.active++;
          this.onChange();
          const running = work(controller.signal);
          // Answer as soon as the job is aborted; its slot is freed when the engine stops.
          const onAbort = () => fail(aborted());
          controller.signal.addEventListener('abort', onAbort, { once: true });
          running
            .then(
              (value) => {
                cleanup();
                resolve(value);
              },
              (error: unknown) => fail(controller.signal.aborted ? aborted() : error),
            )
            .finally(() => {
              controller.signal.removeEventListener('abort', onAbort);
              this.active--;
              this.startNext();
              this.onChange();
            });
        },
        reject: fail,
      };

      controller.signal.addEventListener(
        'abort',
        () => {
          const index = this.queue.indexOf(job);
          if (index >= 0) {
            this.queue.splice(index, 1);
            this.onChange();
            fail(aborted());
          }
        },
        { once: true },
      );

      if (this.active < limits.concurrentJobs) job.start();
      else {
        this.queue.push(job);
        this.onChange();
      }
    });
  }

  private startNext(): void {
    while (this.active < this.limits().concurrentJobs && this.queue.length > 0) {
      this.queue.shift()!.start();
    }
  }
}

function shuttingDown() {
  return vlmError(
    VlmErrorCodes.ShuttingDown,
    'the server is shutting down and accepts no new work',
  );
}

function abortError(reason: unknown, timeoutMs: number) {
  if (reason instanceof JobAborted && reason.kind === 'timeout')
    return limitReached(
      VlmErrorCodes.Timeout,
      'requestTimeoutMs',
      timeoutMs,
      timeoutMs,
      `request timed out after ${timeoutMs} ms`,
    );
  if (reason instanceof JobAborted && reason.kind === 'shutdown') return shuttingDown();
  return cancelled();
}
