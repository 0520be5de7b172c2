// vlm/openStream, vlm/closeStream, vlm/listStreams, vlm/streamStatusChanged, and the
// server-initiated "Encoding" progress per stream (cancelling it stops encoding; what was
// encoded stays askable). Progress is keyed by stream id and ends when its stream ends or
// closes, whichever way the news arrives first.
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
import { isFinal } from '../stream-states';

export function registerStreamHandlers(session: Session): void {
  const { connection, engine, scheduler } = session;
  const encodingProgress = new Map<string, WorkDoneProgressServerReporter>();
  const encodeFps = new Map<string, number>();
  /** Streams closed here: an update the engine sent before it saw the close is dropped. */
  const closed = new Set<string>();

  const startEncodingProgress = async (summary: StreamSummary) => {
    const reporter = await connection.window.createWorkDoneProgress();
    // The stream may have ended or closed while the client created the progress (a saved
    // stream reopens in milliseconds): its final status has passed, so nothing would end it.
    const latest = session.streams.get(summary.streamId);
    if (!latest || isFinal(latest.state) || !session.openStreams.has(summary.streamId)) {
      reporter.done();
      return;
    }
    reporter.begin(`Encoding ${summary.label}`, latest.percentage ?? 0, undefined, true);
    reporter.token.onCancellationRequested(() => {
      void engine.call('stopEncoding', { streamId: summary.streamId }).catch(() => {});
    });
    encodingProgress.set(summary.streamId, reporter);
  };

  const endProgress = (streamId: string) => {
    encodingProgress.get(streamId)?.done();
    encodingProgress.delete(streamId);
    encodeFps.delete(streamId);
  };

  const onStreamStatus = (summary: StreamSummary) => {
    // A closed stream's late updates (an encode step that was running) must not revive it.
    if (closed.has(summary.streamId) && summary.state !== 'closed') return;
    session.streams.update(summary);
    const reporter = encodingProgress.get(summary.streamId);
    if (isFinal(summary.state)) {
      endProgress(summary.streamId);
      // A failed stream stays open (and counted) until the client closes it.
      if (summary.state === 'closed') session.openStreams.delete(summary.streamId);
    } else {
      reporter?.report(
        Math.round(summary.percentage ?? 0),
        `${summary.framesEncoded} frames encoded`,
      );
      if (summary.encodeFps !== undefined) encodeFps.set(summary.streamId, summary.encodeFps);
    }
    session.status.setEncodeFps(sumRates());
    void connection.sendNotification(StreamStatusNotification, summary).catch(() => {});
  };

  const sumRates = () => {
    const rates = [...encodeFps.values()];
    return rates.length ? rates.reduce((a, b) => a + b, 0) : undefined;
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
      closed.delete(summary.streamId); // ids start again after an engine restart
      // Updates the engine sent while the open was still answering are recorded already
      // and are as new as this summary or newer (a saved stream may even be ready).
      if (!session.streams.get(summary.streamId)) session.streams.update(summary);
      session.status.changed();
      if (summary.state === 'encoding') void startEncodingProgress(summary).catch(() => {});
      return summary;
    } finally {
      progress.done();
    }
  });

  session.handle(CloseStreamRequest, async ({ streamId: id }) => {
    // The progress and status end now, not when the engine has finished the frame it is on.
    const wasOpen = session.openStreams.delete(id);
    closed.add(id);
    endProgress(id);
    const summary = session.streams.get(id);
    if (summary) session.streams.update({ ...summary, state: 'closed' });
    session.status.setEncodeFps(sumRates());
    try {
      return await engine.call('closeStream', { streamId: id });
    } catch (error) {
      if (wasOpen && summary) {
        session.openStreams.add(id);
        closed.delete(id);
        session.streams.update(summary);
      }
      throw error;
    }
  });

  session.handle(ListStreamsRequest, async () => engine.call('listStreams', undefined));

  session.noticeListeners.push((notice) => {
    if (notice.kind === 'streamStatus') onStreamStatus(notice.payload as StreamSummary);
  });
}
