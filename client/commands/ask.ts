// Ask About Video…, Ask About Image…, Open Live Source…: open (or reuse) a stream, ask a
// question, stream the tokens into the answers view, and record latency for the panel.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import {
  AskAnswerNowNotification,
  AskRequest,
  OpenStreamRequest,
  type AskParams,
  type AskResult,
  type StreamSource,
  type StreamSummary,
} from '../../protocol/protocol';
import type { VlmContext } from '../context';
import { askSample } from '../diagnostics/adapter';
import { addThumbnails } from '../answers/thumbnails';
import { errorText, isCancellation } from './errors';
import { showError } from './show-error';
import { liveLabel, liveSource, type LiveKind } from './live-source';
import { IMAGE_EXTENSIONS, VIDEO_EXTENSIONS } from './ids';
import type { AnswerEntry } from '../answers/history';
import { offerAnswerNow, type AnswerNowOffer } from './answer-now';
import { coverageText } from './coverage';

export async function pickMedia(
  kind: 'video' | 'image',
  given?: vscode.Uri,
): Promise<vscode.Uri | undefined> {
  if (given instanceof vscode.Uri) return given;
  const active = vscode.window.activeTextEditor?.document.uri;
  const extensions = kind === 'video' ? VIDEO_EXTENSIONS : IMAGE_EXTENSIONS;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: kind === 'video' ? 'Ask About Video' : 'Ask About Image',
    filters: { [kind === 'video' ? 'Videos' : 'Images']: [...extensions] },
    // Never left undefined: the dialog would then start in the folder of whatever editor was
    // last active, which used to be an extracted frame in the cache's frames/ folder.
    defaultUri:
      active && active.scheme === 'file'
        ? vscode.Uri.joinPath(active, '..')
        : vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0];
}

export async function askQuestion(prompt: string): Promise<string | undefined> {
  const question = await vscode.window.showInputBox({
    title: prompt,
    prompt: 'Your question',
    placeHolder: 'e.g. What happens when the dialog opens?',
    ignoreFocusOut: true,
    validateInput: (v) =>
      v.trim() === '' ? 'Type a question' : v.length > 2000 ? 'At most 2000 characters' : undefined,
  });
  return question?.trim() || undefined;
}

/** Opens a stream on the server with cancellable progress, or reuses the one already open. */
export async function openStream(
  ctx: VlmContext,
  source: StreamSource,
  label: string,
): Promise<StreamSummary | undefined> {
  const existing = source.kind === 'file' ? ctx.streams.forFile(source.uri) : undefined;
  if (existing) return existing;
  const client = await ctx.connection.ready();
  try {
    const opened = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `VLM: opening ${label}`,
        cancellable: true,
      },
      (_progress, token) => client.sendRequest(OpenStreamRequest, { source, label }, token),
    );
    // A status update that came first (a saved stream is ready at once) is newer: keep it.
    if (!ctx.streams.get(opened.streamId)) ctx.streams.update(opened);
    const mediaPath = source.kind === 'file' ? vscode.Uri.parse(source.uri).fsPath : undefined;
    ctx.history.addStream({
      key: opened.streamId,
      label: opened.label || label,
      mediaPath,
      kind: source.kind === 'file' ? 'video' : 'live',
      ...(source.kind === 'file' ? { fileUri: source.uri } : {}),
    });
    return opened;
  } catch (error) {
    if (!isCancellation(error)) void showError(ctx.output, `Can't open ${label}`, error);
    return undefined;
  }
}

/**
 * Sends vlm/ask and follows it to the end; the answers view shows every step. An ask about
 * a file still encoding waits for the encoding (unless `untilEncoded` is false), says so in
 * its progress, and offers to answer from what is encoded so far.
 */
export async function runAsk(
  ctx: VlmContext,
  streamKey: string,
  params: Omit<AskParams, 'askId'>,
  onToken?: (entry: AnswerEntry) => void,
): Promise<AnswerEntry | undefined> {
  const client = await ctx.connection.ready();
  const askId = ctx.history.newAskId();
  const entry = ctx.history.start(askId, streamKey, params.question);
  await ctx.answers.focusStream(streamKey);
  ctx.answers.changed(entry);
  const sentAt = Date.now();
  let firstTokenAt: number | undefined;
  const tokens = ctx.connection.onAskToken.event((t) => {
    if (t.askId !== askId) return;
    firstTokenAt ??= Date.now();
    const updated = ctx.history.token(askId, t.index, t.text);
    if (updated) ctx.answers.token(updated);
    if (updated) onToken?.(updated);
  });
  const stream = params.streamId !== undefined ? ctx.streams.get(params.streamId) : undefined;
  try {
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `VLM: ${params.question}`,
        cancellable: true,
      },
      (progress, token) =>
        sendAsk(
          ctx,
          client,
          { ...params, askId },
          stream,
          (message) => progress.report({ message }),
          token,
        ),
    );
    const coverage = coverageText(result.coverage, stream?.label ?? 'the stream');
    const done = ctx.history.finish(askId, result, coverage);
    if (done) ctx.answers.changed(done);
    const streamId = params.streamId;
    ctx.panel.post({
      type: 'ask',
      atMs: Date.now(),
      ...askSample(result, streamId, firstTokenAt && firstTokenAt - sentAt),
    });
    if (coverage) sayCoverage(ctx, askId, coverage);
    if (done) void addThumbnails(ctx.history, ctx.answers, done);
    return done;
  } catch (error) {
    const failed = ctx.history.fail(askId, errorText(error), isCancellation(error));
    if (failed) ctx.answers.changed(failed);
    if (!isCancellation(error)) void showError(ctx.output, 'The question failed', error);
    return failed;
  } finally {
    tokens.dispose();
  }
}

/** The request itself, with the server's progress lines and the answer-now offer. */
async function sendAsk(
  ctx: VlmContext,
  client: LanguageClient,
  params: AskParams,
  stream: StreamSummary | undefined,
  report: (message: string) => void,
  token: vscode.CancellationToken,
): Promise<AskResult> {
  const waits = stream?.source.kind === 'file' && stream.state === 'encoding';
  const untilEncoded = params.untilEncoded ?? stream?.source.kind === 'file';
  const workDoneToken = `vlm-ask-${params.askId}`;
  let offer: AnswerNowOffer | undefined;
  const disposables: vscode.Disposable[] = [
    client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
      if (value.kind === 'end' || !value.message) return;
      report(value.message);
      offer?.update(value.message);
    }),
    // The wait ends when the stream does: the offer goes with it.
    ctx.connection.onStreamStatus.event((s) => {
      if (s.streamId === stream?.streamId && s.state !== 'encoding') offer?.dispose();
    }),
    ctx.connection.onAskToken.event((t) => t.askId === params.askId && offer?.dispose()),
  ];
  if (waits && untilEncoded && stream)
    offer = offerAnswerNow(stream.label, () => {
      report(`Answering from what ${stream.label} has encoded so far`);
      void client.sendNotification(AskAnswerNowNotification, { askId: params.askId });
    });
  try {
    return await client.sendRequest(AskRequest, { ...params, untilEncoded, workDoneToken }, token);
  } finally {
    offer?.dispose();
    disposables.forEach((d) => d.dispose());
  }
}

/** A live source's answer, or a file's answered before it was encoded, says what it covers. */
function sayCoverage(ctx: VlmContext, askId: string, note: string): void {
  ctx.output.info(`ask ${askId}: answered ${note}`);
  void vscode.window.showInformationMessage(`VLM: answered ${note}.`);
}

export async function askAboutVideo(
  ctx: VlmContext,
  uri?: vscode.Uri,
  question?: string,
  onToken?: (entry: AnswerEntry) => void,
): Promise<AnswerEntry | undefined> {
  const file = await pickMedia('video', uri);
  if (!file) return undefined;
  const stream = await openStream(
    ctx,
    { kind: 'file', uri: file.toString() },
    basename(file.fsPath),
  );
  if (!stream) return undefined;
  const q = question ?? (await askQuestion(`Ask about ${basename(file.fsPath)}`));
  if (!q) return undefined;
  return runAsk(ctx, stream.streamId, { streamId: stream.streamId, question: q }, onToken);
}

export async function askAboutImage(
  ctx: VlmContext,
  uri?: vscode.Uri,
  question?: string,
  onToken?: (entry: AnswerEntry) => void,
): Promise<AnswerEntry | undefined> {
  const file = await pickMedia('image', uri);
  if (!file) return undefined;
  const key = `image:${file.fsPath}`;
  ctx.history.addStream({
    key,
    label: basename(file.fsPath),
    kind: 'image',
    fileUri: file.toString(),
    ...(file.scheme === 'file' ? { mediaPath: file.fsPath } : {}),
  });
  const q = question ?? (await askQuestion(`Ask about ${basename(file.fsPath)}`));
  if (!q) return undefined;
  return runAsk(ctx, key, { image: { uri: file.toString() }, question: q }, onToken);
}

export async function openLiveSource(ctx: VlmContext): Promise<void> {
  const kinds: (vscode.QuickPickItem & {
    liveKind: LiveKind;
    prompt: string;
    placeHolder: string;
  })[] = [
    {
      label: '$(device-desktop) Screen',
      liveKind: 'screen',
      detail: 'Capture the screen (x11grab, gdigrab or avfoundation)',
      prompt: 'Display (empty: the default display)',
      placeHolder: ':0.0',
    },
    {
      label: '$(device-camera-video) Camera',
      liveKind: 'camera',
      detail: 'A webcam or capture device',
      prompt: 'Device (empty: the default camera)',
      placeHolder: process.platform === 'linux' ? '/dev/video0' : 'device name or index',
    },
    {
      label: '$(globe) URL',
      liveKind: 'url',
      detail: 'An RTSP, HTTP or HLS stream',
      prompt: 'Stream URL',
      placeHolder: 'rtsp://camera.local/stream',
    },
  ];
  const picked = await vscode.window.showQuickPick(kinds, {
    title: 'VLM: Open Live Source',
    placeHolder: 'What to watch',
  });
  if (!picked) return;
  const kind = { ...picked, kind: picked.liveKind };
  const input = await vscode.window.showInputBox({
    title: `VLM: ${kind.label.replace(/^\$\([^)]*\) /, '')}`,
    prompt: kind.prompt,
    placeHolder: kind.placeHolder,
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        if (kind.kind === 'url' || v.trim() !== '') liveSource(kind.kind, v);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
  if (input === undefined) return;
  const source = liveSource(kind.kind, input);
  const stream = await openStream(ctx, source, liveLabel(source));
  if (!stream) return;
  await ctx.answers.focusStream(stream.streamId);
  const q = await askQuestion(`Ask about ${stream.label}`);
  if (q) await runAsk(ctx, stream.streamId, { streamId: stream.streamId, question: q });
}
