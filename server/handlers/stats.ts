// vlm/cacheStats on request, and vlm/cacheStatsChanged every statsIntervalMs while streams
// are open; vlm/engineStatus on request (changes are pushed by StatusTracker).
import {
  CacheStatsNotification,
  CacheStatsRequest,
  EngineStatusRequest,
  type CacheStatsResult,
} from '../../protocol/protocol';
import type { Session } from '../session-types';

export interface StatsTimer {
  /** (Re)starts the periodic notifications with the current statsIntervalMs. */
  schedule(): void;
  stop(): void;
}

export function registerStatsHandlers(session: Session): StatsTimer {
  const { connection, engine } = session;

  const collect = async (streamId?: string): Promise<CacheStatsResult> => ({
    streams: await engine.call('cacheStats', { streamId }),
    memoryBytes: process.memoryUsage().rss,
  });

  session.handle(CacheStatsRequest, async (params) => collect(params.streamId));
  session.handle(EngineStatusRequest, async () => session.status.current());

  let busy = false;
  const tick = async () => {
    if (busy || session.openStreams.size === 0) return;
    busy = true;
    try {
      await connection.sendNotification(CacheStatsNotification, await collect());
    } catch {
      // The next tick tries again; a failed stats read must not disturb the session.
    } finally {
      busy = false;
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (timer) clearInterval(timer);
    const interval = session.statsIntervalMs();
    timer = interval > 0 ? setInterval(() => void tick(), Math.max(100, interval)) : undefined;
    timer?.unref();
  };
  return {
    schedule,
    stop: () => {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
