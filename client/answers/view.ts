// The Answers webview view: shows the selected stream's questions and answers from the
// AnswerHistory, streams tokens in, copies answers, and asks the host to show frames.
import * as vscode from 'vscode';
import { answersHtml } from './html';
import { answerAsMarkdown, type AnswerEntry, type AnswerHistory } from './history';
import { formatTimestamp } from '../format';
import { ANSWERS_VIEW_ID } from '../manifest/contributes';

/** An image pasted or dropped into the view, read there as bytes. */
export interface PastedImage {
  name: string;
  mimeType: string;
  base64: string;
  /** A small JPEG data: URI the view drew from the bytes. */
  thumbnail?: string;
}

type ViewRequest =
  | { type: 'ready' }
  | { type: 'copy'; askId: string }
  | { type: 'showFrame'; askId: string; index: number }
  | { type: 'selectModel' }
  | { type: 'downloadModel' }
  | { type: 'selectStream'; streamKey: string }
  | { type: 'ask'; streamKey?: string; question: string }
  | { type: 'askImage'; question: string; image: PastedImage }
  | { type: 'askUri'; uri: string; question?: string }
  | { type: 'error'; message: string };

export interface AnswersViewHooks {
  showFrame(entry: AnswerEntry, index: number): Promise<void>;
  selectModel(): Promise<void>;
  downloadModel(): Promise<void>;
  /** A question was asked with no model installed (offer the download). */
  askedWithoutModel(): void;
  /** A follow-up typed in the view, about a stream already in it. */
  ask(streamKey: string, question: string): Promise<unknown>;
  /** An image pasted or dropped into the view, as bytes. */
  askImage(image: PastedImage, question: string): Promise<unknown>;
  /** A file dropped onto the view (text/uri-list). */
  askUri(uri: string, question: string | undefined): Promise<unknown>;
}

export class AnswersView implements vscode.WebviewViewProvider {
  private view?: vscode.WebviewView;
  private selected?: string;
  private referenceModel = false;
  private readonly thumbs = new Map<string, string>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    readonly history: AnswerHistory,
    private readonly hooks: AnswersViewHooks,
  ) {}

  static register(view: AnswersView): vscode.Disposable {
    return vscode.window.registerWebviewViewProvider(ANSWERS_VIEW_ID, view);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [media] };
    view.webview.html = answersHtml({
      cspSource: view.webview.cspSource,
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(media, 'answers.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(media, 'answers.css')).toString(),
    });
    view.webview.onDidReceiveMessage((m: ViewRequest) => this.onRequest(m));
    view.onDidChangeVisibility(() => view.visible && this.postState());
  }

  /** Shows a stream's history (and the view). */
  async focusStream(streamKey: string): Promise<void> {
    this.selected = streamKey;
    if (!this.view) await vscode.commands.executeCommand(`${ANSWERS_VIEW_ID}.focus`);
    else this.view.show(true);
    this.postState();
  }

  get selectedStream(): string | undefined {
    return this.selected;
  }

  setReferenceModel(reference: boolean): void {
    this.history.modelInstalled = !reference;
    if (reference === this.referenceModel) return;
    this.referenceModel = reference;
    this.postState();
  }

  get showsReferenceBanner(): boolean {
    return this.referenceModel;
  }

  changed(entry: AnswerEntry): void {
    if (entry.noModel && entry.state === 'streaming' && !entry.text) this.hooks.askedWithoutModel();
    if (entry.streamKey !== this.selected) return;
    this.postState();
  }

  token(entry: AnswerEntry): void {
    if (entry.streamKey !== this.selected || !this.view?.visible) return;
    void this.view.webview.postMessage({ type: 'token', askId: entry.id, text: entry.text });
  }

  thumbnail(askId: string, index: number, dataUri: string): void {
    this.thumbs.set(`${askId}:${index}`, dataUri);
    void this.view?.webview.postMessage({ type: 'thumb', askId, index, dataUri });
  }

  private postState(): void {
    if (!this.view) return;
    const entries = this.selected ? this.history.forStream(this.selected) : [];
    const streams = this.history
      .streamsInOrder()
      .map((s) => ({ key: s.key, label: s.label, kind: s.kind }));
    void this.view.webview.postMessage({
      type: 'state',
      streams,
      selected: this.selected,
      entries,
      referenceModel: this.referenceModel,
    });
    for (const entry of entries) {
      entry.evidence.forEach((_e, index) => {
        const thumb = this.thumbs.get(`${entry.id}:${index}`);
        if (thumb)
          void this.view?.webview.postMessage({
            type: 'thumb',
            askId: entry.id,
            index,
            dataUri: thumb,
          });
      });
    }
  }

  private async onRequest(m: ViewRequest): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.postState();
        return;
      case 'copy': {
        const entry = this.history.get(m.askId);
        if (!entry) return;
        await vscode.env.clipboard.writeText(
          answerAsMarkdown(entry, (s) => formatTimestamp(s * 1000)),
        );
        void vscode.window.setStatusBarMessage('VLM: answer copied', 3000);
        return;
      }
      case 'showFrame': {
        const entry = this.history.get(m.askId);
        if (entry) await this.hooks.showFrame(entry, m.index);
        return;
      }
      case 'selectModel':
        await this.hooks.selectModel();
        return;
      case 'downloadModel':
        await this.hooks.downloadModel();
        return;
      case 'selectStream':
        this.selected = m.streamKey;
        this.postState();
        return;
      case 'ask':
      case 'askImage':
      case 'askUri':
      case 'error':
        return this.onAsk(m);
    }
  }

  /** Questions from the view's input; a failure is shown as a toast naming the input. */
  private async onAsk(
    m: Extract<ViewRequest, { type: 'ask' | 'askImage' | 'askUri' | 'error' }>,
  ): Promise<void> {
    try {
      if (m.type === 'error') throw new Error(m.message);
      if (m.type === 'askImage') await this.hooks.askImage(m.image, m.question);
      else if (m.type === 'askUri') await this.hooks.askUri(m.uri, m.question || undefined);
      else {
        const streamKey = m.streamKey ?? this.selected;
        if (!streamKey)
          throw new Error(
            'no stream to ask about: ask about a video or an image first, or paste or drop one here',
          );
        await this.hooks.ask(streamKey, m.question);
      }
    } catch (error) {
      void vscode.window.showErrorMessage(`VLM: ${(error as Error).message}`);
    }
  }
}
