// Where an evidence time leads: the video view of the stream's file at that moment (the
// answers view, the diagnostics panel and Find Text in Video all come through here).
import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';

export async function showEvidence(mediaPath: string | undefined, timeSec: number): Promise<void> {
  if (!mediaPath) {
    void vscode.window.showInformationMessage(
      'Frames of live sources and single images are not kept; only file streams open in the video view.',
    );
    return;
  }
  await vscode.commands.executeCommand(
    COMMANDS.showVideoAt.id,
    vscode.Uri.file(mediaPath),
    timeSec,
  );
}
