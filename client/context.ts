// What the command handlers share: one object built in extension.ts.
import type * as vscode from 'vscode';
import type { AnswerHistory } from './answers/history';
import type { AnswersView } from './answers/view';
import type { ServerConnection } from './connection/server-connection';
import type { DiagnosticsPanel } from './diagnostics/panel';
import type { StreamRegistry } from './streams/registry';
import type { ScreenshotView } from './screenshot-view/panel';
import type { VideoViewProvider } from './video-view/provider';

export interface VlmContext {
  extension: vscode.ExtensionContext;
  connection: ServerConnection;
  history: AnswerHistory;
  answers: AnswersView;
  panel: DiagnosticsPanel;
  streams: StreamRegistry;
  output: vscode.LogOutputChannel;
  videoView: VideoViewProvider;
  screenshotView: ScreenshotView;
}
