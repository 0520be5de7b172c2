// vlm/analyzeScreenshot, vlm/searchText and vlm/mediaSummary.
import {
  AnalyzeScreenshotRequest,
  MediaSummaryRequest,
  SearchTextRequest,
} from '../../protocol/protocol';
import { imageRef, object, optionalNumber, optionalString, string } from '../params';
import { beginProgress } from '../progress';
import type { Session } from '../session-types';

export function registerScreenshotHandlers(session: Session): void {
  const { connection, engine, scheduler } = session;

  session.handle(AnalyzeScreenshotRequest, async (raw, token) => {
    const p = object(raw);
    const params = { image: imageRef(p.image), query: optionalString(p, 'query') };
    const progress = await beginProgress(
      connection,
      'Analyzing screenshot',
      token,
      p.workDoneToken as string | number | undefined,
      false,
    );
    try {
      return await scheduler.run(
        (signal) => engine.call('analyzeScreenshot', params, { signal }),
        progress.token,
      );
    } finally {
      progress.done();
    }
  });

  session.handle(SearchTextRequest, async (raw, token) => {
    const p = object(raw);
    const params = {
      streamId: string(p, 'streamId', 200),
      query: string(p, 'query', 1000),
      limit: optionalNumber(p, 'limit', 1, 1000),
    };
    return scheduler.run((signal) => engine.call('searchText', params, { signal }), token);
  });

  session.handle(MediaSummaryRequest, async (raw, token) => {
    const p = object(raw);
    const params = { uri: string(p, 'uri'), withText: p.withText !== false };
    return scheduler.run((signal) => engine.call('mediaSummary', params, { signal }), token);
  });
}
