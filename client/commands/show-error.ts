// Shows a failed request to the user: the short toast text (errors.ts) with a "Show
// details" button, and the full error (code, data, cause chain, stack) in the VLM log.
import * as vscode from 'vscode';
import { errorDetails } from '../log/format';
import { toastText } from './errors';

type Log = Pick<vscode.LogOutputChannel, 'error' | 'show'>;

export const SHOW_DETAILS = 'Show details';

export async function showError(log: Log, headline: string, error: unknown): Promise<void> {
  log.error(`${headline}: ${errorDetails(error)}`);
  const choice = await vscode.window.showErrorMessage(toastText(headline, error), SHOW_DETAILS);
  if (choice === SHOW_DETAILS) log.show(true);
}
