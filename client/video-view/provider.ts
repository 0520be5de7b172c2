// The video view as a custom editor ("Open With… > VLM Video", priority option, so the
// default editor stays the default) and the target of every evidence link: showAt() opens
// or reveals the view of a file and seeks it.
import * as vscode from 'vscode';
import type { AnswerHistory } from '../answers/history';
import { VIDEO_VIEW_TYPE } from '../manifest/contributes';
import { VideoPanel, type VideoPanelHooks } from './panel';

export class VideoViewProvider implements vscode.CustomReadonlyEditorProvider, vscode.Disposable {
  private readonly panels = new Map<string, VideoPanel>();
  /** Seeks asked for before the view of that file was resolved. */
  private readonly pending = new Map<string, number>();
  private readonly framesRoot: vscode.Uri;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly history: AnswerHistory,
    private readonly hooks: VideoPanelHooks,
  ) {
    this.framesRoot = vscode.Uri.joinPath(extension.globalStorageUri, 'video-frames');
    this.unsubscribe = history.onFinished(() => {
      for (const panel of this.panels.values()) panel.answersChanged();
    });
  }

  static register(provider: VideoViewProvider): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(VIDEO_VIEW_TYPE, provider, {
      webviewOptions: { retainContextWhenHidden: true },
      supportsMultipleEditorsPerDocument: false,
    });
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, webviewPanel: vscode.WebviewPanel): void {
    const key = document.uri.toString();
    const panel = new VideoPanel(
      document.uri,
      webviewPanel,
      this.extension.extensionUri,
      this.framesRoot,
      this.history,
      this.hooks,
    );
    this.panels.set(key, panel);
    const seek = this.pending.get(key);
    if (seek !== undefined) {
      this.pending.delete(key);
      panel.seek(seek);
    }
    webviewPanel.onDidDispose(() => {
      panel.dispose();
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
  }

  /** Opens (or reveals) the video view of a file in the active editor group and seeks to timeSec. */
  async showAt(uri: vscode.Uri, timeSec: number): Promise<void> {
    const key = uri.toString();
    const open = this.panels.get(key);
    if (open) {
      open.panel.reveal(open.panel.viewColumn, false);
      open.seek(timeSec);
      return;
    }
    this.pending.set(key, timeSec);
    await vscode.commands.executeCommand('vscode.openWith', uri, VIDEO_VIEW_TYPE, {
      preview: false,
      viewColumn: vscode.ViewColumn.Active,
    });
  }

  /** The stream reading this file (a URI string) is encoded: its view redraws the timeline. */
  streamEncoded(uri: string): void {
    void this.panels.get(uri)?.refreshTimeline();
  }

  dispose(): void {
    this.unsubscribe();
    for (const panel of this.panels.values()) panel.dispose();
  }
}

/** vlm.showVideoAt's time argument in seconds: 0 unless a finite number, never negative. */
export function seekSeconds(timeSec: unknown): number {
  return typeof timeSec === 'number' && Number.isFinite(timeSec) ? Math.max(0, timeSec) : 0;
}
