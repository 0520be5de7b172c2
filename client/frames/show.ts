// Frames of a stream's media file: thumbnails for the answers view, and "show this frame"
// (extracted full size into the cache, then opened in VS Code's image preview).
import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { extractFrame, findFfmpeg } from './ffmpeg';
import { readSettings } from '../settings/read';
import { framesDir } from '../settings/paths';

export async function showFrame(mediaPath: string | undefined, timeSec: number): Promise<void> {
  if (!mediaPath) {
    void vscode.window.showInformationMessage(
      'Frames of live sources are not kept; only file streams can show a frame.',
    );
    return;
  }
  const { settings } = readSettings();
  const dir = framesDir(settings);
  const name = `${createHash('sha256').update(mediaPath).digest('hex').slice(0, 12)}-${timeSec.toFixed(2)}s.jpg`;
  const file = join(dir, name);
  try {
    if (!existsSync(file)) {
      const jpeg = await extractFrame({
        ffmpeg: findFfmpeg(settings.ffmpegPath),
        video: mediaPath,
        timeSec,
      });
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${file}.tmp`, jpeg);
      renameSync(`${file}.tmp`, file);
    }
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file), {
      preview: true,
      viewColumn: vscode.ViewColumn.Beside,
    });
  } catch (error) {
    void vscode.window.showErrorMessage(`VLM: ${(error as Error).message}`);
  }
}

/** A small JPEG of the frame as a data: URI, or undefined when it cannot be extracted. */
export async function thumbnailDataUri(
  mediaPath: string,
  timeSec: number,
): Promise<string | undefined> {
  try {
    const { settings } = readSettings();
    const jpeg = await extractFrame({
      ffmpeg: findFfmpeg(settings.ffmpegPath),
      video: mediaPath,
      timeSec,
      width: 192,
    });
    return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
  } catch {
    return undefined;
  }
}
