// What the Answers view asks the host to do: a follow-up question about the selected
// stream, a question about a pasted or dropped image, Ask About Video for a dropped video,
// and "show this moment" for an evidence time. Every ask goes through the commands' ask
// path (client/commands/ask.ts), so the view, the palette and the chat answer alike.
import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import type { VlmContext } from '../context';
import { askAboutImage, askAboutVideo, runAsk } from '../commands/ask';
import { IMAGE_EXTENSIONS, VIDEO_EXTENSIONS } from '../commands/ids';
import { showEvidence } from '../video-view/evidence';
import type { AnswerEntry } from './history';
import type { PastedImage } from './view';

/** Pasted images kept for follow-up questions, newest last. */
const PASTED_KEPT = 8;
const pasted = new Map<string, { base64: string; mimeType: string }>();

export async function askFollowUp(
  ctx: VlmContext,
  streamKey: string,
  question: string,
  onToken?: (entry: AnswerEntry) => void,
): Promise<AnswerEntry | undefined> {
  const stream = ctx.history.stream(streamKey);
  if (!stream)
    throw new Error(`no stream '${streamKey}' in the Answers view; ask about a file first`);
  if (stream.kind === 'pasted') {
    const image = pasted.get(streamKey);
    if (!image)
      throw new Error(`the pasted image '${stream.label}' is no longer kept; paste it again`);
    return runAsk(ctx, streamKey, { image, question }, onToken);
  }
  if (stream.fileUri && stream.kind === 'image')
    return askAboutImage(ctx, vscode.Uri.parse(stream.fileUri, true), question, onToken);
  // A file stream that was closed is opened again by the ask path.
  if (stream.fileUri)
    return askAboutVideo(ctx, vscode.Uri.parse(stream.fileUri, true), question, onToken);
  if (!ctx.streams.get(streamKey))
    throw new Error(`the live source '${stream.label}' is closed; open it again to ask about it`);
  return runAsk(ctx, streamKey, { streamId: streamKey, question }, onToken);
}

export async function askPastedImage(
  ctx: VlmContext,
  image: PastedImage,
  question: string,
  onToken?: (entry: AnswerEntry) => void,
): Promise<AnswerEntry | undefined> {
  const digest = createHash('sha256').update(image.base64).digest('hex').slice(0, 10);
  const key = `image:pasted-${digest}`;
  pasted.delete(key);
  pasted.set(key, { base64: image.base64, mimeType: image.mimeType });
  while (pasted.size > PASTED_KEPT) pasted.delete(pasted.keys().next().value!);
  ctx.history.addStream({ key, label: image.name, kind: 'pasted', thumbnail: image.thumbnail });
  return askFollowUp(ctx, key, question, onToken);
}

/** A dropped file: a video starts Ask About Video, an image Ask About Image. */
export async function askDroppedUri(
  ctx: VlmContext,
  uriText: string,
  question: string | undefined,
): Promise<AnswerEntry | undefined> {
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(uriText, true);
  } catch {
    throw new Error(`the dropped item '${uriText}' is not a file URI`);
  }
  const ext = extname(uri.path).slice(1).toLowerCase();
  if ((VIDEO_EXTENSIONS as readonly string[]).includes(ext))
    return askAboutVideo(ctx, uri, question);
  if ((IMAGE_EXTENSIONS as readonly string[]).includes(ext))
    return askAboutImage(ctx, uri, question);
  throw new Error(
    `the dropped file '${uri.path.split('/').pop()}' is neither a video (${VIDEO_EXTENSIONS.join(', ')}) nor an image (${IMAGE_EXTENSIONS.join(', ')})`,
  );
}

/** An evidence time: an image stream's file as it is, else the video view at that moment. */
export async function showAnswerEvidence(
  ctx: VlmContext,
  entry: AnswerEntry,
  index: number,
): Promise<void> {
  const stream = ctx.history.stream(entry.streamKey);
  if (stream?.kind === 'image' && stream.fileUri) {
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.parse(stream.fileUri, true), {
      preview: true,
      viewColumn: vscode.ViewColumn.Beside,
    });
    return;
  }
  await showEvidence(stream?.mediaPath, entry.evidence[index]?.timeSec ?? 0);
}
