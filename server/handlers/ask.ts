// vlm/ask: runs as a scheduled job; each decoded chunk goes to the client as
// vlm/askToken, keyed by the client's askId; cancellation stops decoding at the next step.
// With `untilEncoded`, an ask about a file still encoding first waits (outside the job
// queue, so it holds no job slot) and says so, until the file is encoded or the client
// sends vlm/askAnswerNow.
import type { CancellationToken } from 'vscode-languageserver/node';
import {
  AskAnswerNowNotification,
  AskRequest,
  AskTokenNotification,
  type AskParams,
} from '../../protocol/protocol';
import { cancelled } from '../errors';
import { beginProgress, type Progress } from '../progress';
import type { Session } from '../session-types';
import { waitUntilEncoded } from '../stream-states';

export function registerAskHandlers(session: Session): void {
  const { connection, engine, scheduler } = session;
  /** Asks waiting for their file's encoding, by askId: calling the entry ends the wait. */
  const waiting = new Map<string, () => void>();

  connection.onNotification(AskAnswerNowNotification.method, (params: unknown) => {
    const askId = (params as { askId?: unknown } | null)?.askId;
    if (typeof askId === 'string') waiting.get(askId)?.();
  });

  const waitForEncoding = async (params: AskParams, progress: Progress) => {
    if (!params.untilEncoded || params.streamId === undefined) return;
    const abort = new AbortController();
    const link = progress.token.onCancellationRequested(() => abort.abort(cancelled()));
    const answerNow = new Promise<void>((resolve) => waiting.set(params.askId, resolve));
    try {
      await waitUntilEncoded(session.streams, params.streamId, {
        signal: abort.signal,
        answerNow,
        onProgress: (message, percentage) => progress.report(message, percentage),
      });
    } finally {
      waiting.delete(params.askId);
      link.dispose();
    }
  };

  session.handle(AskRequest, async (params, token: CancellationToken) => {
    const progress = await beginProgress(
      connection,
      'Answering',
      token,
      params.workDoneToken,
      false,
    );
    let index = 0;
    try {
      await waitForEncoding(params, progress);
      progress.report('Answering');
      return await scheduler.run(
        (signal) =>
          session.status.track(
            'answering',
            engine.call(
              'ask',
              { ...params, untilEncoded: undefined, workDoneToken: undefined },
              {
                signal,
                onEvent: (event) => {
                  if (event.kind === 'token') {
                    if (signal.aborted) return;
                    void connection
                      .sendNotification(AskTokenNotification, {
                        askId: params.askId,
                        index: index++,
                        text: event.text,
                      })
                      .catch(() => {});
                  } else progress.report(event.message ?? '', event.percentage);
                },
              },
            ),
          ),
        progress.token,
      );
    } finally {
      progress.done();
    }
  });
}
