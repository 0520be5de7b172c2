// The screenshot view: one webview panel showing an image with every text element's box,
// a query that highlights the server's matches, and copy buttons. Images come from a file
// (a webview URI into its folder) or are pasted or dropped into the view (their bytes come
// to the host as base64 and go to the server as such). Never an untitled document, so
// closing it asks nothing.
import * as vscode from 'vscode';
import { basename, dirname } from 'node:path';
import type { ImageRef, ScreenshotAnalysis } from '../../protocol/protocol';
import { SCREENSHOT_VIEW_TYPE } from '../manifest/contributes';
import { screenshotViewHtml } from './html';
import { analysisText, overlayBoxes } from './geometry';

type ViewRequest =
  | { type: 'ready' }
  | { type: 'paste'; base64: string; mimeType: string; name: string }
  | { type: 'query'; text: string }
  | { type: 'copy'; what: 'json' | 'text' };

export interface ScreenshotViewHooks {
  analyze(
    image: ImageRef,
    query: string | undefined,
    token: vscode.CancellationToken,
  ): Promise<ScreenshotAnalysis>;
}

/** Pasted images above this are refused in the view, before any base64 crosses to the server. */
export const MAX_PASTE_BYTES = 48 * 2 ** 20;

export class ScreenshotView implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private ready = false;
  private image?: ImageRef;
  private label = '';
  private src?: string;
  private analysis?: ScreenshotAnalysis;
  private running?: vscode.CancellationTokenSource;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly hooks: ScreenshotViewHooks,
  ) {}

  /** Shows the view (empty, waiting for a paste) in the active editor group. */
  show(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      SCREENSHOT_VIEW_TYPE,
      'VLM Screenshot',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [this.media] },
    );
    this.panel = panel;
    this.ready = false;
    panel.webview.html = screenshotViewHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview
        .asWebviewUri(vscode.Uri.joinPath(this.media, 'screenshot-view.js'))
        .toString(),
      styleUri: panel.webview
        .asWebviewUri(vscode.Uri.joinPath(this.media, 'screenshot-view.css'))
        .toString(),
    });
    panel.webview.onDidReceiveMessage((m: ViewRequest) => this.onRequest(m));
    panel.onDidDispose(() => {
      this.running?.cancel();
      if (this.panel === panel) this.panel = undefined;
    });
    return panel;
  }

  /** Shows an image file in the view and analyses it. */
  async showFile(file: vscode.Uri): Promise<void> {
    const panel = this.show();
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [this.media, vscode.Uri.file(dirname(file.fsPath))],
    };
    this.src = panel.webview.asWebviewUri(file).toString();
    await this.analyzeImage({ uri: file.toString() }, basename(file.fsPath));
  }

  /** Analyses image bytes (a paste, the system clipboard) and shows them. */
  async showBytes(base64: string, mimeType: string, label: string): Promise<void> {
    this.show();
    this.src = `data:${mimeType};base64,${base64}`;
    await this.analyzeImage({ base64, mimeType }, label);
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  dispose(): void {
    this.running?.cancel();
    this.panel?.dispose();
  }

  private get media(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'media');
  }

  private async analyzeImage(image: ImageRef, label: string): Promise<void> {
    this.image = image;
    this.label = label;
    this.analysis = undefined;
    if (this.panel) this.panel.title = `VLM Screenshot: ${label}`;
    this.postImage();
    await this.run(undefined);
  }

  private postImage(): void {
    if (!this.ready || !this.src) return;
    void this.panel?.webview.postMessage({ type: 'image', src: this.src, label: this.label });
  }

  private async run(query: string | undefined): Promise<void> {
    if (!this.image) return;
    this.running?.cancel();
    const cts = new vscode.CancellationTokenSource();
    this.running = cts;
    const what = query ? `Finding "${query}" in ${this.label}…` : `Reading ${this.label}…`;
    void this.panel?.webview.postMessage({ type: 'busy', text: what });
    try {
      const analysis = await this.hooks.analyze(this.image, query, cts.token);
      if (cts.token.isCancellationRequested) return;
      this.analysis = analysis;
      this.postAnalysis(query);
    } catch (error) {
      if (cts.token.isCancellationRequested) return;
      void this.panel?.webview.postMessage({
        type: 'error',
        text: `Cannot analyse ${this.label}: ${(error as Error).message}`,
      });
    }
  }

  private postAnalysis(query: string | undefined): void {
    const a = this.analysis;
    if (!a || !this.ready) return;
    const rows = (query ? a.matches : a.elements).map((e) => ({
      text: e.text,
      role: e.role ?? 'text',
      confidence: e.confidence,
      x: e.box.x,
      y: e.box.y,
    }));
    void this.panel?.webview.postMessage({
      type: 'analysis',
      label: this.label,
      width: a.width,
      height: a.height,
      totalMs: a.timings.totalMs,
      boxes: overlayBoxes(a),
      query: query ?? '',
      rows,
    });
  }

  private async onRequest(m: ViewRequest): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.postImage();
        this.postAnalysis(undefined);
        return;
      case 'paste':
        if (typeof m.base64 !== 'string' || m.base64.length === 0) return;
        this.src = `data:${m.mimeType};base64,${m.base64}`;
        await this.analyzeImage(
          { base64: m.base64, mimeType: m.mimeType },
          m.name || 'pasted image',
        );
        return;
      case 'query':
        await this.run(m.text.trim() || undefined);
        return;
      case 'copy':
        await this.copy(m.what);
        return;
    }
  }

  private async copy(what: 'json' | 'text'): Promise<void> {
    if (!this.analysis) return;
    const text =
      what === 'json' ? JSON.stringify(this.analysis, null, 2) : analysisText(this.analysis);
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage(
      what === 'json' ? 'VLM: analysis copied as JSON' : 'VLM: screen text copied',
      3000,
    );
  }
}
