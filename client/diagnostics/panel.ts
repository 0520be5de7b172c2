// Hosts the diagnostics webview panel. Every panel message is recorded in a PanelFeed; a
// visible panel gets it at once, and a panel that becomes visible again (or is restored
// after a reload) is re-fed with a replay, since hidden webviews receive no messages.
import * as vscode from 'vscode';
import { diagnosticsHtml } from './html';
import { PanelFeed, type PanelMessage, type PanelRequest } from './messages';
import { DIAGNOSTICS_VIEW_TYPE } from '../manifest/contributes';

export interface PanelHooks {
  showFrame(streamId: string, timeSec: number): Promise<void>;
  /** Asks the server for fresh statistics (when the panel opens). */
  refresh(): void;
}

export class DiagnosticsPanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  readonly feed = new PanelFeed();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly hooks: PanelHooks,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(DIAGNOSTICS_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => this.attach(panel),
      }),
    );
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      DIAGNOSTICS_VIEW_TYPE,
      'VLM Cache Diagnostics',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      this.webviewOptions(),
    );
    this.attach(panel);
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  post(message: PanelMessage): void {
    this.feed.record(message);
    if (this.panel?.visible) void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.webview.options = this.webviewOptions();
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    panel.webview.html = diagnosticsHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview
        .asWebviewUri(vscode.Uri.joinPath(media, 'diagnostics.js'))
        .toString(),
      styleUri: panel.webview
        .asWebviewUri(vscode.Uri.joinPath(media, 'diagnostics.css'))
        .toString(),
    });
    panel.webview.onDidReceiveMessage((m: PanelRequest) => {
      if (m.type === 'ready') void panel.webview.postMessage(this.feed.replay());
      else if (m.type === 'showFrame') void this.hooks.showFrame(m.streamId, m.timeSec);
    });
    panel.onDidChangeViewState(() => {
      if (panel.visible) void panel.webview.postMessage(this.feed.replay());
    });
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
    this.hooks.refresh();
  }
}
