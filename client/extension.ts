// The extension's entry (bundled to dist/client.js): builds the shared pieces, wires the
// server's notifications to the status bar, answers view and diagnostics panel, registers
// the commands and the agent tool, and starts the language server.
import * as vscode from 'vscode';
import { CacheStatsRequest } from '../protocol/protocol';
import { AnswerHistory } from './answers/history';
import { offerDownloadOnce } from './download/offer';
import { AnswersView } from './answers/view';
import {
  askDroppedUri,
  askFollowUp,
  askPastedImage,
  showAnswerEvidence,
} from './answers/follow-up';
import { registerVideoTool } from './agent/video-tool';
import { registerChatParticipant } from './chat/participant';
import { registerScreenshotTool } from './agent/screenshot-tool';
import { registerCommands } from './commands/register';
import { migratePlainToken } from './connection/secrets';
import { ServerConnection } from './connection/server-connection';
import { showError } from './commands/show-error';
import type { VlmContext } from './context';
import { budgetsFromSettings } from './diagnostics/adapter';
import { DiagnosticsPanel } from './diagnostics/panel';
import { readSettings, reportSettingProblems } from './settings/read';
import { EngineStatusBar } from './status/status-bar';
import { StreamRegistry } from './streams/registry';
import { askAboutVideo } from './commands/ask';
import { analyzeImage } from './commands/screenshot';
import { ScreenshotView } from './screenshot-view/panel';
import { showEvidence } from './video-view/evidence';
import { VideoViewProvider } from './video-view/provider';
import { timelineOf } from './streams/timeline';

/** Returned from activate(): what the editor and end-to-end tests inspect. */
export interface VlmExtensionApi {
  context: VlmContext;
  statusBar: EngineStatusBar;
  ready: Promise<void>;
}

export function activate(extension: vscode.ExtensionContext): VlmExtensionApi {
  const output = vscode.window.createOutputChannel('VLM', { log: true });
  const connection = new ServerConnection(extension, output);
  const history = new AnswerHistory();
  const streams = new StreamRegistry();
  const ctx = {} as VlmContext;
  const answers = new AnswersView(extension.extensionUri, history, {
    showFrame: (entry, index) => showAnswerEvidence(ctx, entry, index),
    ask: (streamKey, question) => askFollowUp(ctx, streamKey, question),
    askImage: (image, question) => askPastedImage(ctx, image, question),
    askUri: (uri, question) => askDroppedUri(ctx, uri, question),
    selectModel: () => vscode.commands.executeCommand('vlm.selectModel') as Promise<void>,
    downloadModel: () => vscode.commands.executeCommand('vlm.downloadModel') as Promise<void>,
    askedWithoutModel: () => void offerDownloadOnce(extension.globalState),
  });
  const panel = new DiagnosticsPanel(extension.extensionUri, {
    showFrame: (streamId, timeSec) => showEvidence(history.stream(streamId)?.mediaPath, timeSec),
    refresh: () => refreshStats(ctx),
  });
  const videoView = new VideoViewProvider(extension, history, {
    ask: (uri, question) => askAboutVideo(ctx, uri, question),
    timeline: (uri) => timelineOf(ctx, uri),
  });
  const screenshotView = new ScreenshotView(extension.extensionUri, {
    analyze: (image, query, token) => analyzeImage(ctx, image, query, token),
  });
  Object.assign(ctx, {
    extension,
    connection,
    history,
    answers,
    panel,
    streams,
    output,
    videoView,
    screenshotView,
  });
  const statusBar = new EngineStatusBar();

  const shownProblems = new Set<string>();
  const applySettings = () => {
    const validated = readSettings();
    reportSettingProblems(validated, shownProblems);
    panel.post({ type: 'budgets', budgets: budgetsFromSettings(validated.settings) });
  };
  applySettings();

  extension.subscriptions.push(
    output,
    connection,
    panel,
    statusBar,
    AnswersView.register(answers),
    videoView,
    VideoViewProvider.register(videoView),
    screenshotView,
    ...registerCommands(ctx),
    vscode.workspace.onDidChangeConfiguration(
      (e) => e.affectsConfiguration('vlm') && applySettings(),
    ),
    connection.onState.event(({ state, error }) => statusBar.setConnection(state, error)),
    connection.onEngineStatus.event((status) => {
      statusBar.setStatus(status);
      panel.post({ type: 'engine', status });
      answers.setReferenceModel(isReferenceModel(status.model));
    }),
    connection.onStreamStatus.event((stream) => {
      streams.update(stream);
      panel.post({ type: 'stream', stream });
      // A file encoded to its end has its whole timeline: the video view redraws its moments.
      if (stream.source.kind === 'file' && stream.state === 'ready')
        videoView.streamEncoded(stream.source.uri);
    }),
    connection.onCacheStats.event((stats) =>
      panel.post({ type: 'stats', atMs: Date.now(), stats }),
    ),
  );
  const tool = registerScreenshotTool(ctx);
  if (tool) extension.subscriptions.push(tool);
  const videoTool = registerVideoTool(ctx);
  if (videoTool) extension.subscriptions.push(videoTool);
  const chat = registerChatParticipant(ctx);
  if (chat) extension.subscriptions.push(chat);

  answers.setReferenceModel(readSettings().settings.modelPath === '');
  // The token moves out of settings before the first connection reads it.
  const ready = migratePlainToken(connection.secrets, output)
    .catch((error: unknown) => output.warn(`token migration failed: ${String(error)}`))
    .then(() => connection.start())
    .catch((error: unknown) => showError(output, "The language server didn't start", error));
  return { context: ctx, statusBar, ready };
}

export function deactivate(): Thenable<void> | undefined {
  return undefined; // the ServerConnection in subscriptions stops the server
}

function isReferenceModel(model: string | undefined): boolean {
  return model === undefined || model === '' || model.startsWith('reference');
}

function refreshStats(ctx: VlmContext): void {
  if (ctx.connection?.state !== 'running') return;
  ctx.connection.running
    .sendRequest(CacheStatsRequest, {})
    .then((stats) => ctx.panel.post({ type: 'stats', atMs: Date.now(), stats }))
    .catch(() => undefined);
}
