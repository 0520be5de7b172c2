// The first question asked with no model installed offers the download, once per user
// (remembered in globalState): after that the Answers view's Download Model button stays.
import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';

export const DOWNLOAD_OFFERED_KEY = 'vlm.downloadOffered';

export async function offerDownloadOnce(state: vscode.Memento): Promise<void> {
  if (state.get<boolean>(DOWNLOAD_OFFERED_KEY)) return;
  await state.update(DOWNLOAD_OFFERED_KEY, true);
  const choice = await vscode.window.showInformationMessage(
    'VLM: no model is installed, so questions get the evidence (frames, times, on-screen text) but no answer. Download one?',
    'Download Model…',
  );
  if (choice) await vscode.commands.executeCommand(COMMANDS.downloadModel.id);
}
