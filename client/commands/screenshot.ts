// Analyze Screenshot (a file) and Analyze Screenshot from Clipboard: the server reads the
// text elements with their boxes; the result opens as a Markdown document.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import {
  AnalyzeScreenshotRequest,
  type ImageRef,
  type ScreenshotAnalysis,
} from '../../protocol/protocol';
import type { VlmContext } from '../context';
import { readClipboardImage } from '../screenshot/clipboard';
import { screenshotReport } from '../screenshot/report';
import { isCancellation } from './errors';
import { showError } from './show-error';
import { pickMedia } from './ask';

export async function analyzeImage(
  ctx: VlmContext,
  image: ImageRef,
  query: string | undefined,
  token?: vscode.CancellationToken,
  session?: string,
): Promise<ScreenshotAnalysis> {
  return (await ctx.connection.ready()).sendRequest(
    AnalyzeScreenshotRequest,
    { image, query: query || undefined, ...(session ? { session } : {}) },
    token,
  );
}

async function analyzeAndShow(ctx: VlmContext, image: ImageRef, label: string): Promise<void> {
  const query = await vscode.window.showInputBox({
    title: `VLM: Analyze ${label}`,
    prompt: 'Find an element or text (optional: leave empty to list all text)',
    placeHolder: 'e.g. Save button',
  });
  if (query === undefined) return;
  try {
    const analysis = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `VLM: analyzing ${label}`,
        cancellable: true,
      },
      (_p, token) => analyzeImage(ctx, image, query, token),
    );
    const doc = await vscode.workspace.openTextDocument({
      language: 'markdown',
      content: screenshotReport(label, analysis, query),
    });
    await vscode.window.showTextDocument(doc, {
      preview: true,
      viewColumn: vscode.ViewColumn.Beside,
    });
  } catch (error) {
    if (!isCancellation(error)) void showError(ctx.output, `Can't analyze ${label}`, error);
  }
}

export async function analyzeScreenshot(ctx: VlmContext, uri?: vscode.Uri): Promise<void> {
  const file = await pickMedia('image', uri);
  if (file) await analyzeAndShow(ctx, { uri: file.toString() }, basename(file.fsPath));
}

export async function pasteScreenshot(ctx: VlmContext): Promise<void> {
  let png: Buffer;
  try {
    png = await readClipboardImage();
  } catch (error) {
    void showError(ctx.output, "Can't read the clipboard", error);
    return;
  }
  await analyzeAndShow(
    ctx,
    { base64: png.toString('base64'), mimeType: 'image/png' },
    'clipboard image',
  );
}
