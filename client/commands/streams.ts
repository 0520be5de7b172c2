// Select Open Stream…, Close Stream…, Find Text in Video…: quick picks over the server's
// open streams.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import {
  CloseStreamRequest,
  ListStreamsRequest,
  SearchTextRequest,
  type StreamSummary,
} from '../../protocol/protocol';
import type { VlmContext } from '../context';
import { formatTimestamp } from '../format';
import { showEvidence } from '../video-view/evidence';
import { describeStream } from '../streams/registry';
import { showError } from './show-error';
import { openStream, pickMedia } from './ask';

/** Refreshes the registry from the server, then lets the user pick one stream. */
export async function pickStream(
  ctx: VlmContext,
  title: string,
): Promise<StreamSummary | undefined> {
  try {
    const { streams } = await (await ctx.connection.ready()).sendRequest(ListStreamsRequest);
    ctx.streams.clear();
    streams.forEach((s) => ctx.streams.update(s));
  } catch (error) {
    void showError(ctx.output, "Can't list streams", error);
    return undefined;
  }
  const open = ctx.streams.list();
  if (open.length === 0) {
    void vscode.window.showInformationMessage(
      'VLM: no stream is open. Run "VLM: Ask About Video…" or "VLM: Open Live Source…".',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    open.map((s) => ({ ...describeStream(s), stream: s })),
    { title, placeHolder: 'Open streams', matchOnDescription: true },
  );
  return picked?.stream;
}

export async function selectStream(ctx: VlmContext): Promise<void> {
  const stream = await pickStream(ctx, 'VLM: Select Open Stream');
  if (!stream) return;
  if (!ctx.history.stream(stream.streamId)) {
    const mediaPath =
      stream.source.kind === 'file' ? vscode.Uri.parse(stream.source.uri).fsPath : undefined;
    ctx.history.addStream({ key: stream.streamId, label: stream.label, mediaPath });
  }
  await ctx.answers.focusStream(stream.streamId);
}

export async function closeStream(ctx: VlmContext): Promise<void> {
  const stream = await pickStream(ctx, 'VLM: Close Stream');
  if (!stream) return;
  try {
    await (
      await ctx.connection.ready()
    ).sendRequest(CloseStreamRequest, { streamId: stream.streamId });
    ctx.streams.update({ ...stream, state: 'closed' });
  } catch (error) {
    void showError(ctx.output, `Can't close ${stream.label}`, error);
  }
}

export async function findTextInVideo(ctx: VlmContext, uri?: vscode.Uri): Promise<void> {
  let stream: StreamSummary | undefined;
  if (uri instanceof vscode.Uri) {
    stream = await openStream(ctx, { kind: 'file', uri: uri.toString() }, basename(uri.fsPath));
  } else if (ctx.streams.list().length > 0) {
    stream = await pickStream(ctx, 'VLM: Find Text in Video');
  } else {
    const file = await pickMedia('video');
    if (file)
      stream = await openStream(ctx, { kind: 'file', uri: file.toString() }, basename(file.fsPath));
  }
  if (!stream) return;
  const query = await vscode.window.showInputBox({
    title: `VLM: Find Text in ${stream.label}`,
    prompt: 'Text to find on screen',
    ignoreFocusOut: true,
  });
  if (!query?.trim()) return;
  try {
    const { hits } = await (
      await ctx.connection.ready()
    ).sendRequest(SearchTextRequest, {
      streamId: stream.streamId,
      query: query.trim(),
    });
    if (hits.length === 0) {
      void vscode.window.showInformationMessage(
        `VLM: "${query}" was not found in ${stream.label} (encoded up to ${stream.encodedUntilSec.toFixed(1)} s).`,
      );
      return;
    }
    const picked = await vscode.window.showQuickPick(
      hits.map((h) => ({
        label: formatTimestamp(h.timeSec * 1000),
        description: `score ${h.score.toFixed(2)}`,
        detail: h.text,
        hit: h,
      })),
      {
        title: `"${query}" in ${stream.label}: ${hits.length} hit${hits.length === 1 ? '' : 's'}`,
        placeHolder: 'Pick a hit to show its frame',
      },
    );
    if (picked) {
      const mediaPath =
        stream.source.kind === 'file' ? vscode.Uri.parse(stream.source.uri).fsPath : undefined;
      await showEvidence(mediaPath, picked.hit.timeSec);
    }
  } catch (error) {
    void showError(ctx.output, 'The search failed', error);
  }
}
