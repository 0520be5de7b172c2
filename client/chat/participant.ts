// The @vlm chat participant: a question in the chat view about the stream selected in the
// Answers view, or about an attached video, image or pasted screenshot. The answer streams
// into the chat as it streams into the Answers view (one ask path). Absent where the
// running VS Code has no chat API (code-server's web build).
import * as vscode from 'vscode';
import type { VlmContext } from '../context';
import { askAboutImage, askAboutVideo } from '../commands/ask';
import { IMAGE_EXTENSIONS, VIDEO_EXTENSIONS } from '../commands/ids';
import { askFollowUp, askPastedImage } from '../answers/follow-up';
import { NO_MODEL_ANSWER, noSignal, type AnswerEntry } from '../answers/history';
import { CHAT_PARTICIPANT_ID } from '../manifest/contributes';
import { formatTimestamp } from '../format';
import { planChatAsk, type ChatAsk, type ChatRef } from './request';

/** Evidence lines under a chat answer; the Answers view has them all. */
const EVIDENCE_SHOWN = 5;

export function registerChatParticipant(ctx: VlmContext): vscode.Disposable | undefined {
  const chat = (vscode as { chat?: Partial<typeof vscode.chat> }).chat;
  if (typeof chat?.createChatParticipant !== 'function') {
    ctx.output.info('this VS Code has no chat API; the @vlm chat participant is not registered');
    return undefined;
  }
  const participant = chat.createChatParticipant(CHAT_PARTICIPANT_ID, (request, _chat, response) =>
    answer(ctx, request, response),
  );
  participant.iconPath = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'vlm.svg');
  ctx.output.info(`chat participant @vlm registered`);
  return participant;
}

async function answer(
  ctx: VlmContext,
  request: vscode.ChatRequest,
  response: vscode.ChatResponseStream,
): Promise<vscode.ChatResult> {
  const selectedKey = ctx.answers.selectedStream;
  const selected = selectedKey ? ctx.history.stream(selectedKey) : undefined;
  const plan = planChatAsk(
    { prompt: request.prompt, references: request.references as readonly ChatRef[] },
    selected,
    { video: VIDEO_EXTENSIONS, image: IMAGE_EXTENSIONS },
  );
  if (plan.kind === 'none') {
    response.markdown(plan.message);
    return { errorDetails: { message: plan.message } };
  }
  let shown = 0;
  const onToken = (entry: AnswerEntry) => {
    if (entry.noModel || entry.text.length <= shown) return;
    response.markdown(entry.text.slice(shown));
    shown = entry.text.length;
  };
  response.progress(`Asking about ${subject(plan)}…`);
  const entry = await run(ctx, plan, onToken);
  if (!entry)
    return { errorDetails: { message: 'the question was not asked (see the VLM output)' } };
  if (entry.state !== 'done') {
    const message = `The question ${entry.state === 'cancelled' ? 'was cancelled' : 'failed'}: ${entry.error ?? ''}`;
    response.markdown(message);
    return { errorDetails: { message } };
  }
  if (entry.noModel) response.markdown(`_${NO_MODEL_ANSWER}_`);
  else if (entry.text.length > shown) response.markdown(entry.text.slice(shown));
  response.markdown(evidenceMarkdown(entry));
  return {};
}

function run(
  ctx: VlmContext,
  plan: Exclude<ChatAsk, { kind: 'none' }>,
  onToken: (entry: AnswerEntry) => void,
): Promise<AnswerEntry | undefined> {
  switch (plan.kind) {
    case 'file': {
      const uri = vscode.Uri.parse(plan.uri, true);
      return plan.media === 'video'
        ? askAboutVideo(ctx, uri, plan.question, onToken)
        : askAboutImage(ctx, uri, plan.question, onToken);
    }
    case 'bytes':
      return Promise.resolve(plan.data()).then((bytes) =>
        askPastedImage(
          ctx,
          {
            name: plan.name,
            mimeType: plan.mimeType,
            base64: Buffer.from(bytes).toString('base64'),
          },
          plan.question,
          onToken,
        ),
      );
    case 'stream':
      return askFollowUp(ctx, plan.streamKey, plan.question, onToken);
  }
}

function subject(plan: Exclude<ChatAsk, { kind: 'none' }>): string {
  if (plan.kind === 'file') return decodeURIComponent(plan.uri.split('/').pop() ?? plan.uri);
  return plan.kind === 'bytes' ? plan.name : plan.label;
}

function evidenceMarkdown(entry: AnswerEntry): string {
  const shown = entry.evidence.filter((e) => !noSignal(e)).slice(0, EVIDENCE_SHOWN);
  if (!shown.length) return '';
  const lines = shown.map((e) => {
    const detail = [e.reason, e.score !== undefined ? `score ${e.score.toFixed(2)}` : undefined]
      .filter(Boolean)
      .join(', ');
    const text = e.text ? ` — ${escapeMarkdown(e.text.replace(/\s+/g, ' ').slice(0, 120))}` : '';
    return `- **${formatTimestamp(e.timeSec * 1000)}** (${detail})${text}`;
  });
  return `\n\n**Evidence**\n${lines.join('\n')}`;
}

/** On-screen text is shown as read, never as Markdown or HTML. */
const escapeMarkdown = (text: string) => text.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, '\\$&');
