// The job scheduler and limits, with real timers and real promises.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancellationTokenSource } from 'vscode-languageserver/node';
import { VlmErrorCodes } from '../../../protocol/protocol';
import { DEFAULT_LIMITS, resolveLimits } from '../../../server/jobs/limits';
import { JobScheduler } from '../../../server/jobs/scheduler';

const limits = (over: Partial<typeof DEFAULT_LIMITS>) => ({ ...DEFAULT_LIMITS, ...over });

/** A job that runs until released or aborted; aborting it rejects like the engine does. */
function controllableJob() {
  let release!: (value: string) => void;
  let started = false;
  const work = (signal: AbortSignal) => {
    started = true;
    return new Promise<string>((resolve, reject) => {
      release = resolve;
      signal.addEventListener('abort', () => reject(new Error('aborted')));
    });
  };
  return { work, release: (v: string) => release(v), started: () => started };
}

describe('JobScheduler', () => {
  it('runs concurrentJobs at once, queues queueLength, rejects the rest with QueueFull', async () => {
    const scheduler = new JobScheduler(
      () => limits({ concurrentJobs: 1, queueLength: 1 }),
      () => 0,
    );
    const a = controllableJob();
    const b = controllableJob();
    const first = scheduler.run(a.work);
    const second = scheduler.run(b.work);
    await assert.rejects(
      scheduler.run(async () => 'c'),
      (e: { code: number; message: string }) => {
        assert.equal(e.code, VlmErrorCodes.QueueFull);
        assert.match(e.message, /queueLength = 1/);
        return true;
      },
    );
    assert.equal(a.started(), true);
    assert.equal(b.started(), false);
    a.release('a');
    assert.equal(await first, 'a');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(b.started(), true);
    b.release('b');
    assert.equal(await second, 'b');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(scheduler.activeJobs, 0);
  });

  it('answers RequestCancelled at once when cancelled, running or queued', async () => {
    const scheduler = new JobScheduler(
      () => limits({ concurrentJobs: 1 }),
      () => 0,
    );
    const running = new CancellationTokenSource();
    const queued = new CancellationTokenSource();
    const p1 = scheduler.run(controllableJob().work, running.token);
    const p2 = scheduler.run(controllableJob().work, queued.token);
    queued.cancel();
    running.cancel();
    for (const p of [p1, p2])
      await assert.rejects(p, (e: { code: number }) => e.code === VlmErrorCodes.RequestCancelled);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(scheduler.activeJobs + scheduler.queuedJobs, 0);
  });

  it('stops a job after requestTimeoutMs with Timeout', async () => {
    const scheduler = new JobScheduler(
      () => limits({ requestTimeoutMs: 30 }),
      () => 0,
    );
    await assert.rejects(
      scheduler.run(controllableJob().work),
      (e: { code: number; message: string }) => {
        assert.equal(e.code, VlmErrorCodes.Timeout);
        assert.match(e.message, /requestTimeoutMs = 30/);
        return true;
      },
    );
  });

  it('rejects new work over the memory budget, and everything after close()', async () => {
    const over = new JobScheduler(
      () => limits({ memoryBudgetMb: 10 }),
      () => 11 * 2 ** 20,
    );
    await assert.rejects(
      over.run(async () => 1),
      (e: { code: number }) => e.code === VlmErrorCodes.MemoryBudgetExceeded,
    );
    const closing = new JobScheduler(
      () => limits({}),
      () => 0,
    );
    closing.close();
    await assert.rejects(
      closing.run(async () => 1),
      (e: { code: number }) => e.code === VlmErrorCodes.ShuttingDown,
    );
  });
});

describe('resolveLimits', () => {
  it('layers initialization options then settings, and names rejected values', () => {
    const { limits: l, problems } = resolveLimits(
      { maxStreams: 2, queueLength: 3 },
      { maxStreams: 5, concurrentJobs: 0 },
    );
    assert.equal(l.maxStreams, 5);
    assert.equal(l.queueLength, 3);
    assert.equal(l.concurrentJobs, DEFAULT_LIMITS.concurrentJobs);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /vlm\.limits\.concurrentJobs = 0/);
  });
});
