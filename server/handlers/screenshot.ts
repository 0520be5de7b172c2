// vlm/analyzeScreenshot, vlm/mediaSummary, and a stream's screen text: vlm/searchText and
// vlm/timeline.
import {
  AnalyzeScreenshotRequest,
  MediaSummaryRequest,
  SearchTextRequest,
  TimelineRequest,
} from '../../protocol/protocol';
import { beginProgress } from '../progress';
import type { Session } from '../session-types';

export function registerScreenshotHandlers(session: Session): void {
  const { connection, engine, scheduler } = session;

  session.handle(AnalyzeScreenshotRequest, async ({ workDoneToken, ...params }, token) => {
    const progress = await beginProgress(
      connection,
      'Analyzing screenshot',
      token,
      workDoneToken,
      false,
    );
    try {
      return await scheduler.run(
        (signal) =>
          session.status.track('readingText', engine.call('analyzeScreenshot', params, { signal })),
        progress.token,
      );
    } finally {
      progress.done();
    }
  });

  session.handle(SearchTextRequest, async (params, token) => {
    return scheduler.run((signal) => engine.call('searchText', params, { signal }), token);
  });

  session.handle(TimelineRequest, async (params, token) => {
    return scheduler.run((signal) => engine.call('timeline', params, { signal }), token);
  });

  session.handle(MediaSummaryRequest, async (params, token) => {
    return scheduler.run(
      (signal) =>
        readsText(session, params.withText, engine.call('mediaSummary', params, { signal })),
      token,
    );
  });
}

/** A media summary reads the first frame's text unless withText is false. */
function readsText<T>(session: Session, withText: boolean | undefined, work: Promise<T>) {
  return withText === false ? work : session.status.track('readingText', work);
}
