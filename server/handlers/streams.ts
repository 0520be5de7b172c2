// vlm/openStream, vlm/closeStream, vlm/listStreams, vlm/streamStatusChanged, and the
// server-initiated "Encoding" progress per stream (cancelling it stops encoding; what was
// encoded stays askable).
import type { WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import {
  CloseStreamRequest,
  ListStreamsRequest,
  OpenStreamRequest,
  StreamStatusNotification,
  VlmErrorCodes,
  type StreamSummary,
} from '../../protocol/protocol';
import { limitReached } from '../errors';
import { beginProgress } from '../progress';
import type { Session } from '../session-types';

const FINAL_STATES = new Set(['ready', 'ended', 'failed', 'closed']);

export function registerStreamHandlers(session: Session): void {
  const { connection, engine, scheduler } = session;
  const encodingProgress = new Map<string, WorkDoneProgressServerReporter>();
  const encodeFps = new Map<string, number>();

  const startEncodingProgress = async (summary: StreamSummary) => {
    const reporter = await connection.window.createWorkDoneProgress();
    if (FINAL_STATES.has(summary.state) || !session.openStreams.has(summary.streamId)) return;
    reporter.begin(`Encoding ${summary.label}`, summary.percentage ?? 0, undefined, true);
    reporter.token.onCancellationRequested(() => {
      void engine.call('stopEncoding', { streamId: summary.streamId }).catch(() => {});
    });
    encodingProgress.set(summary.streamId, reporter);
  };

  const onStreamStatus = (summary: StreamSummary) => {
    const reporter = encodingProgress.get(summary.streamId);
    if (FINAL_STATES.has(summary.state)) {
      reporter?.done();
      encodingProgress.delete(summary.streamId);
      encodeFps.delete(summary.streamId);
      // A failed stream stays open (and counted) until the client closes it.
      if (summary.state === 'closed') session.openStreams.delete(summary.streamId);
    } else {
      reporter?.report(
        Math.round(summary.percentage ?? 0),
        `${summary.framesEncoded} frames encoded`,
      );
      if (summary.encodeFps !== undefined) encodeFps.set(summary.streamId, summary.encodeFps);
    }
    const rates = [...encodeFps.values()];
    session.status.setEncodeFps(rates.length ? rates.reduce((a, b) => a + b, 0) : undefined);
    void connection.sendNotification(StreamStatusNotification, summary).catch(() => {});
  };

  session.handle(OpenStreamRequest, async (params, token) => {
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
      if (summary.state === 'encoding') void startEncodingProgress(summary).catch(() => {});
      return summary;
    } finally {
      progress.done();
    }
  });

  session.handle(CloseStreamRequest, async ({ streamId: id }) => {
    const result = await engine.call('closeStream', { streamId: id });
    session.openStreams.delete(id);
    encodingProgress.get(id)?.done();
    encodingProgress.delete(id);
    session.status.changed();
    return result;
  });

  session.handle(ListStreamsRequest, async () => engine.call('listStreams', undefined));

  session.noticeListeners.push((notice) => {
    if (notice.kind === 'streamStatus') onStreamStatus(notice.payload as StreamSummary);
  });
}
