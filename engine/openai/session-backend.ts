// The endpoint's backend for the local engine. A request about one video or one image
// goes through the engine session (gate, frame cache, on-screen text, retrieval) like a
// question from the CLI or the editor, and its completion carries the evidence; any other
// chat (text only, several images) goes to the model's own chat template.
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarizeAnswer, type EngineSession } from '../session';
import type {
  ChatBackend,
  ChatImage,
  ChatMessage,
  ChatRequest,
  ChatVideo,
  GenerationEvent,
} from './backend';
import { Channel } from './channel';
import { ApiError } from './errors';
import { imageError, LocalModelBackend } from './local-backend';

export class SessionChatBackend implements ChatBackend {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly session: EngineSession,
    private readonly chat: LocalModelBackend,
  ) {}

  listModels(): Promise<string[]> {
    return this.chat.listModels();
  }

  async *generate(request: ChatRequest, signal: AbortSignal): AsyncGenerator<GenerationEvent> {
    const media = singleMedia(request.messages);
    if (!media) {
      yield* this.chat.generate(request, signal);
      return;
    }
    const question = lastUserText(request.messages);
    if (!question)
      throw new ApiError(
        400,
        'invalid_request',
        'messages: ask the question about the video or image as text in the last user message',
        'messages',
      );
    const channel = new Channel<GenerationEvent>();
    const turn = this.queue.then(() => this.answer(media, question, request, signal, channel));
    this.queue = turn.catch(() => {});
    turn.catch((error: unknown) => channel.fail(imageError(error) ?? error));
    yield* channel.drain();
  }

  private async answer(
    media: ChatVideo,
    question: string,
    request: ChatRequest,
    signal: AbortSignal,
    out: Channel<GenerationEvent>,
  ): Promise<void> {
    const file = mediaFile(media);
    try {
      const stream = await this.session.open({ kind: 'file', path: file.path }, { signal });
      try {
        await stream.ready;
        let tokens = 0;
        const result = await stream.ask(question, {
          maxTokens: request.maxTokens,
          signal,
          onToken: (text) => {
            tokens++;
            out.push({ type: 'text', text });
          },
        });
        out.push({ type: 'evidence', evidence: summarizeAnswer(result, stream.model.id) });
        out.push({
          type: 'done',
          finishReason: tokens >= (request.maxTokens ?? Infinity) ? 'length' : 'stop',
        });
        out.end();
      } finally {
        await stream.close();
      }
    } finally {
      file.remove();
    }
  }
}

/** The one image or video of a request, when it has exactly one. */
function singleMedia(messages: ChatMessage[]): ChatVideo | undefined {
  const media = messages.flatMap((m) =>
    m.content.flatMap((part): (ChatVideo | ChatImage)[] =>
      part.type === 'video' ? [part.video] : part.type === 'image' ? [part.image] : [],
    ),
  );
  const only = media.length === 1 ? media[0] : undefined;
  return only && only.kind !== 'raw' ? only : undefined;
}

function lastUserText(messages: ChatMessage[]): string {
  const user = messages.filter((m) => m.role === 'user').pop();
  return (user?.content ?? [])
    .flatMap((part) => (part.type === 'text' ? [part.text] : []))
    .join('\n')
    .trim();
}

/** A file to open: the one the URL named, or the data URL's bytes in a temporary file. */
function mediaFile(media: ChatVideo): { path: string; remove: () => void } {
  if (media.kind === 'file') return { path: media.path, remove: () => {} };
  if (media.path) return { path: media.path, remove: () => {} };
  const path = join(tmpdir(), `vlm-http-${randomBytes(6).toString('hex')}`);
  writeFileSync(path, media.bytes);
  return { path, remove: () => rmSync(path, { force: true }) };
}
