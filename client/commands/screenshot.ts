// Analyze Screenshot (a file) and Analyze Screenshot from Clipboard: both open the
// screenshot view, which shows the image with the boxes of its text elements.
import * as vscode from 'vscode';
import {
  AnalyzeScreenshotRequest,
  type ImageRef,
  type ScreenshotAnalysis,
} from '../../protocol/protocol';
import type { VlmContext } from '../context';
import { readClipboardImage } from '../screenshot/clipboard';
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

export async function analyzeScreenshot(ctx: VlmContext, uri?: vscode.Uri): Promise<void> {
  const file = await pickMedia('image', uri);
  if (file) await ctx.screenshotView.showFile(file);
}

/**
 * Opens the view for a paste. Where the platform's clipboard tool has an image (a desktop
 * editor), it is analysed at once; otherwise (the web build, no tool) the view waits for
 * Ctrl+V, which the webview reads itself.
 */
export async function pasteScreenshot(ctx: VlmContext): Promise<void> {
  ctx.screenshotView.show();
  let png: Buffer;
  try {
    png = await readClipboardImage();
  } catch (error) {
    // The view stays open for Ctrl+V; the log says why the clipboard tool gave nothing.
    ctx.output.info(`no image from the clipboard tool: ${String(error)}`);
    return;
  }
  await ctx.screenshotView.showBytes(png.toString('base64'), 'image/png', 'clipboard image');
}
