// Runs vlm/pullModel in the language server behind a cancellable progress notification:
// the server reports file and bytes as work-done progress; Cancel cancels the request,
// which stops the download.
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import { PullModelRequest, type PullModelResult } from '../../protocol/models-pull';

let pulls = 0;

export function pullWithProgress(client: LanguageClient, repo: string): Promise<PullModelResult> {
  return Promise.resolve(
    vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `VLM: downloading ${repo}`,
        cancellable: true,
      },
      async (progress, cancel) => {
        const workDoneToken = `vlm-pull-${process.pid}-${++pulls}`;
        let reported = 0;
        const listening = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
          if (value.kind !== 'report') return;
          const percent = value.percentage ?? reported;
          progress.report({ message: value.message, increment: Math.max(0, percent - reported) });
          reported = Math.max(reported, percent);
        });
        try {
          return await client.sendRequest(
            PullModelRequest,
            { repo, dtype: 'auto', workDoneToken },
            cancel,
          );
        } finally {
          listening.dispose();
        }
      },
    ),
  );
}
