// Work-done progress for long requests: the client's token when it sent one, else a
// server-initiated progress (window/workDoneProgress/create; a no-op when the client
// does not support it). Cancelling either the request or the progress cancels the work.
import {
  CancellationTokenSource,
  type CancellationToken,
  type Connection,
  type ProgressToken,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver/node';

export interface Progress {
  report(message: string, percentage?: number): void;
  done(): void;
  /** Cancelled when the request or its progress is cancelled. */
  token: CancellationToken;
}

export async function beginProgress(
  connection: Connection,
  title: string,
  requestToken: CancellationToken,
  workDoneToken: ProgressToken | undefined,
  serverInitiated: boolean,
): Promise<Progress> {
  const source = new CancellationTokenSource();
  const links = [requestToken.onCancellationRequested(() => source.cancel())];
  let reporter: WorkDoneProgressReporter | undefined;
  if (workDoneToken !== undefined) {
    reporter = connection.window.attachWorkDoneProgress(workDoneToken);
  } else if (serverInitiated) {
    const created = await connection.window.createWorkDoneProgress();
    links.push(created.token.onCancellationRequested(() => source.cancel()));
    reporter = created;
  }
  reporter?.begin(title, 0, undefined, true);
  let ended = false;
  return {
    token: source.token,
    report: (message, percentage) => {
      if (!ended)
        reporter?.report(Math.max(0, Math.min(100, Math.round(percentage ?? 0))), message);
    },
    done: () => {
      if (ended) return;
      ended = true;
      reporter?.done();
      for (const link of links) link.dispose();
      source.dispose();
    },
  };
}
