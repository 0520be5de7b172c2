// The endpoint's backend for the local engine. A request about one video or one image
// goes through the engine session (gate, frame cache, on-screen text, retrieval) like a
// question from the CLI or the editor, and its completion carries the evidence; any other
// chat (text only, several images) goes to the model's own chat template.
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkImagePixels, summarizeAnswer, type EngineSession } from '../session';
import type {
  ChatBackend,
  ChatImage,
  ChatMessage,
  ChatRequest,
  ChatVideo,
  EncodedImage,
  GenerationEvent,
} from './backend';
import { Channel } from './channel';
import { ApiError } from './errors';
import { inputApiError, type InputName } from './input-error';
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
    const name = inputName(media);
    const turn = this.queue.then(() =>
      this.answer(media, name, question, request, signal, channel),
    );
    this.queue = turn.catch(() => {});
    turn.catch((error: unknown) =>
      channel.fail(
        (signal.aborted ? undefined : inputApiError(error, mediaParam(media), name)) ??
          imageError(error) ??
          error,
      ),
    );
    yield* channel.drain();
  }

  private async answer(
    media: ChatVideo,
    name: InputName,
    question: string,
    request: ChatRequest,
    signal: AbortSignal,
    out: Channel<GenerationEvent>,
  ): Promise<void> {
    const file = await mediaFile(media, name);
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

/** The message part the media came from, as errors name it. */
function mediaParam(media: ChatVideo): string {
  return media.param ?? 'messages';
}

/**
 * How errors name the media: by its file, or for data URL bytes (written to a temporary
 * file) as the message part, never by the temporary file's name.
 */
function inputName(media: ChatVideo): InputName {
  if (media.kind === 'file') return { from: media.path, to: media.path };
  if (media.path) return { from: media.path, to: media.path };
  const path = join(tmpdir(), `vlm-http-${randomBytes(6).toString('hex')}${extension(media)}`);
  return { from: path, to: `${mediaParam(media)} (data: URL, ${media.bytes.length} bytes)` };
}

/** The temporary file's extension from the data URL's media type, as decoders expect one. */
function extension(media: EncodedImage): string {
  const subtype = /^(?:image|video)\/([a-z0-9]+)/.exec(media.mediaType)?.[1] ?? '';
  if (subtype === 'jpeg') return '.jpg';
  return ['png', 'webp', 'gif', 'apng', 'mp4', 'webm', 'avi', 'mov', 'mkv', 'bmp', 'tiff'].includes(
    subtype,
  )
    ? `.${subtype}`
    : '';
}

/**
 * A file to open: the one the URL named, or the data URL's bytes in a temporary file
 * (at `name.from`), written only once the pixel limit in their header is checked.
 */
async function mediaFile(
  media: ChatVideo,
  name: InputName,
): Promise<{ path: string; remove: () => void }> {
  if (media.kind === 'file') return { path: media.path, remove: () => {} };
  if (media.path) return { path: media.path, remove: () => {} };
  await checkImagePixels(media.bytes, name.to);
  writeFileSync(name.from, media.bytes);
  return { path: name.from, remove: () => rmSync(name.from, { force: true }) };
}
