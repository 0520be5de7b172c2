// vlm/openStream, vlm/closeStream, vlm/listStreams, and vlm/streamStatusChanged.
import {
  CloseStreamRequest,
  ListStreamsRequest,
  OpenStreamRequest,
  StreamStatusNotification,
  VlmErrorCodes,
  type StreamSummary,
} from '../../protocol/protocol';
import { limitReached } from '../errors';
import { openStreamParams, streamId } from '../params';
import { beginProgress } from '../progress';
import type { Session } from '../session';

export function registerStreamHandlers(session: Session): void {
  const { connection, engine, scheduler } = session;

  session.handle(OpenStreamRequest, async (raw, token) => {
    const params = openStreamParams(raw);
    const max = session.limits().maxStreams;
    if (session.openStreams.size >= max)
      throw limitReached(
        VlmErrorCodes.TooManyStreams,
        'maxStreams',
        max,
        session.openStreams.size + 1,
        `cannot open another stream: ${session.openStreams.size} are open; close one first`,
      );
    scheduler.checkMemory();
    const progress = await beginProgress(
      connection,
      'Opening stream',
      token,
      params.workDoneToken,
      true,
    );
    try {
      const summary = await scheduler.run(
        (signal) =>
          engine.call(
            'openStream',
            { ...params, workDoneToken: undefined },
            {
              signal,
              onEvent: (e) =>
                e.kind === 'progress' && progress.report(e.message ?? '', e.percentage),
            },
          ),
        progress.token,
      );
      session.openStreams.add(summary.streamId);
      session.status.changed();
      return summary;
    } finally {
      progress.done();
    }
  });

  session.handle(CloseStreamRequest, async (raw) => {
    const id = streamId(raw);
    const result = await engine.call('closeStream', { streamId: id });
    session.openStreams.delete(id);
    session.status.changed();
    return result;
  });

  session.handle(ListStreamsRequest, async () => engine.call('listStreams', undefined));

  session.noticeListeners.push((notice) => {
    if (notice.kind !== 'streamStatus') return;
    const summary = notice.payload as StreamSummary;
    if (summary.state === 'closed' || summary.state === 'failed')
      session.openStreams.delete(summary.streamId);
    session.status.changed();
    void connection.sendNotification(StreamStatusNotification, summary).catch(() => {});
  });
}
