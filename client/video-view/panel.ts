// One open video view: feeds its webview the video (or the stepper's frames), the evidence
// markers of the answers about this file, the moments of its stream's timeline, seeks, and
// the answer to the question box.
import * as vscode from 'vscode';
import { basename, dirname } from 'node:path';
import type { AnswerEntry, AnswerHistory } from '../answers/history';
import { NO_MODEL_ANSWER } from '../answers/history';
import { findFfmpeg } from '../frames/ffmpeg';
import { readSettings } from '../settings/read';
import { videoViewHtml } from './html';
import { extractStepperFrames, type StepperFrames } from './frames';
import type { TimelineMoment } from '../../protocol/protocol';
import { answersAbout, frameIndexAt, placeEvents, placeMarkers, playsInWebview } from './timeline';

type ViewRequest =
  | { type: 'ready' }
  | { type: 'duration'; durationSec: number }
  | { type: 'playbackError'; message: string }
  | { type: 'ask'; question: string };

export interface VideoPanelHooks {
  /** Asks about this file through the editor's one ask path. */
  ask(uri: vscode.Uri, question: string): Promise<AnswerEntry | undefined>;
  /** The timeline of the open stream reading this file; undefined when none is open. */
  timeline(uri: vscode.Uri): Promise<readonly TimelineMoment[] | undefined>;
}

export class VideoPanel implements vscode.Disposable {
  private ready = false;
  private durationSec = 0;
  private frames?: StepperFrames;
  private pendingSeek?: number;
  private lastSeek?: number;
  private moments: readonly TimelineMoment[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly uri: vscode.Uri,
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly framesRoot: vscode.Uri,
    private readonly history: AnswerHistory,
    private readonly hooks: VideoPanelHooks,
  ) {
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [media, vscode.Uri.file(dirname(uri.fsPath)), framesRoot],
    };
    panel.webview.html = videoViewHtml(
      {
        cspSource: panel.webview.cspSource,
        scriptUri: panel.webview
          .asWebviewUri(vscode.Uri.joinPath(media, 'video-view.js'))
          .toString(),
        styleUri: panel.webview
          .asWebviewUri(vscode.Uri.joinPath(media, 'video-view.css'))
          .toString(),
      },
      basename(uri.fsPath),
    );
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: ViewRequest) => this.onRequest(m)),
      panel.onDidChangeViewState(() => panel.visible && this.postMarkers()),
    );
  }

  /** Seeks now, or as soon as the webview can. */
  seek(timeSec: number): void {
    this.lastSeek = timeSec;
    // The <video> element takes a time before its metadata loads; the stepper needs its frames.
    if (!this.ready || (!this.frames && !this.playing)) {
      this.pendingSeek = timeSec;
      return;
    }
    const frameIndex = this.frames
      ? frameIndexAt(timeSec, this.frames.fps, this.frames.files.length)
      : undefined;
    void this.panel.webview.postMessage({ type: 'seek', timeSec, frameIndex });
  }

  /** The answers about this file changed: redraw the markers, and the timeline's moments. */
  answersChanged(): void {
    this.postMarkers();
    void this.refreshTimeline();
  }

  /** Fetches the moments of this file's stream (if one is open) and draws them. */
  async refreshTimeline(): Promise<void> {
    const moments = await this.hooks.timeline(this.uri);
    if (moments) this.moments = moments;
    this.postMarkers();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private get playing(): boolean {
    return playsInWebview(this.uri.fsPath);
  }

  private async onRequest(m: ViewRequest): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        void this.refreshTimeline();
        if (this.playing) {
          const src = this.panel.webview.asWebviewUri(this.uri).toString();
          void this.panel.webview.postMessage({ type: 'video', src });
          this.flushSeek();
        } else await this.stepThroughFrames('this format does not play in the editor');
        return;
      case 'duration':
        if (!(m.durationSec > 0) || this.frames) return;
        this.durationSec = m.durationSec;
        this.postMarkers();
        return;
      case 'playbackError':
        if (!this.frames) await this.stepThroughFrames(m.message);
        return;
      case 'ask':
        await this.ask(m.question);
        return;
    }
  }

  private async stepThroughFrames(why: string): Promise<void> {
    void this.panel.webview.postMessage({ type: 'status', text: `Decoding frames (${why})…` });
    try {
      const { settings } = readSettings();
      this.frames = await extractStepperFrames(
        findFfmpeg(settings.ffmpegPath),
        this.uri.fsPath,
        this.framesRoot.fsPath,
      );
    } catch (error) {
      void this.panel.webview.postMessage({ type: 'status', text: (error as Error).message });
      return;
    }
    const { dir, files, fps } = this.frames;
    this.durationSec = this.frames.durationSec || files.length / fps;
    const uris = files.map((f) =>
      this.panel.webview.asWebviewUri(vscode.Uri.file(`${dir}/${f}`)).toString(),
    );
    void this.panel.webview.postMessage({ type: 'frames', frames: uris, fps });
    this.postMarkers();
    // A video that failed to play was perhaps already asked to seek: keep that place.
    this.pendingSeek ??= this.lastSeek;
    this.flushSeek();
  }

  private flushSeek(): void {
    if (this.pendingSeek === undefined) return;
    const t = this.pendingSeek;
    this.pendingSeek = undefined;
    this.seek(t);
  }

  private postMarkers(): void {
    if (!this.ready) return;
    // In the stepper each mark knows its frame, so a click shows exactly that frame.
    const withFrame = <T extends { timeSec: number }>(m: T) => ({
      ...m,
      frameIndex: this.frames && frameIndexAt(m.timeSec, this.frames.fps, this.frames.files.length),
    });
    const answers = answersAbout(this.history, this.uri.fsPath);
    const markers = placeMarkers(answers, this.durationSec).map(withFrame);
    void this.panel.webview.postMessage({ type: 'markers', markers });
    const events = placeEvents(this.moments, this.durationSec).map(withFrame);
    void this.panel.webview.postMessage({ type: 'events', events });
  }

  private async ask(question: string): Promise<void> {
    const q = question.trim();
    if (!q) return;
    void this.panel.webview.postMessage({ type: 'asking', question: q });
    const entry = await this.hooks.ask(this.uri, q);
    void this.panel.webview.postMessage({
      type: 'answer',
      question: q,
      state: entry?.state ?? 'cancelled',
      text: entry?.noModel ? NO_MODEL_ANSWER : (entry?.text ?? ''),
      error: entry?.error,
      evidence: (entry?.evidence ?? []).map((e) => ({ timeSec: e.timeSec, text: e.text ?? '' })),
    });
    this.postMarkers();
  }
}
