// vlm/ask: runs as a scheduled job; each decoded chunk goes to the client as
// vlm/askToken, keyed by the client's askId; cancellation stops decoding at the next step.
import { AskRequest, AskTokenNotification } from '../../protocol/protocol';
import { beginProgress } from '../progress';
import type { Session } from '../session-types';

export function registerAskHandlers(session: Session): void {
  const { connection, engine, scheduler } = session;

  session.handle(AskRequest, async (params, token) => {
    const progress = await beginProgress(
      connection,
      'Answering',
      token,
      params.workDoneToken,
      false,
    );
    let index = 0;
    try {
      return await scheduler.run(
        (signal) =>
          engine.call(
            'ask',
            { ...params, workDoneToken: undefined },
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
        progress.token,
      );
    } finally {
      progress.done();
    }
  });
}
