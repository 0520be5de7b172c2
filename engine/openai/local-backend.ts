// The local model runtime as a ChatBackend: our endpoint's default backend. One generation
// runs at a time (the model's sessions and the CPU are shared); the others wait their turn.
import { basename } from 'node:path';
import { loadModel, type LoadOptions } from '../model';
import type { VisionLanguageModel } from '../model/model';
import type { ImageInput, RgbImage } from '../model/image-input';
import type { ChatMessage as ModelChatMessage } from '../model/tokenizer';
import type { ChatBackend, ChatImage, ChatMessage, ChatRequest, GenerationEvent } from './backend';
import { Channel } from './channel';
import { ApiError } from './errors';

export class LocalModelBackend implements ChatBackend {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly model: VisionLanguageModel,
    /** The id /v1/models lists and requests name; default: the model folder's name. */
    readonly modelId = basename(model.dir),
  ) {}

  static async load(dir: string, options: LoadOptions & { modelId?: string } = {}) {
    return new LocalModelBackend(await loadModel(dir, options), options.modelId);
  }

  async listModels(): Promise<string[]> {
    return [this.modelId];
  }

  async *generate(request: ChatRequest, signal: AbortSignal): AsyncGenerator<GenerationEvent> {
    const channel = new Channel<GenerationEvent>();
    const turn = this.queue.then(() => this.run(request, signal, channel));
    this.queue = turn.catch(() => {});
    turn.catch((error: unknown) => channel.fail(error));
    yield* channel.drain();
  }

  private async run(request: ChatRequest, signal: AbortSignal, out: Channel<GenerationEvent>) {
    signal.throwIfAborted();
    const { messages, images } = toModelChat(request.messages);
    const prompt = await this.model
      .preparePrompt({ messages, images })
      .catch((error: unknown) => Promise.reject(imageError(error) ?? error));
    // Stop strings end generation from inside: cut the text at the match, then abort the model.
    const stopper = new AbortController();
    const stops = request.stop ?? [];
    let text = '';
    let sent = 0;
    let stoppedByString = false;
    const result = await this.model.generate(
      { embeds: prompt.embeds, ids: prompt.ids, layout: prompt.layout },
      {
        maxNewTokens: request.maxTokens,
        temperature: request.temperature,
        topP: request.topP,
        seed: request.seed,
        signal: AbortSignal.any([signal, stopper.signal]),
        onToken: (token) => {
          if (stoppedByString || !token.text) return;
          text += token.text;
          const cut = firstStop(text, stops);
          if (cut >= 0) {
            stoppedByString = true;
            text = text.slice(0, cut);
            stopper.abort();
          }
          // Hold back a tail that could still become a stop string.
          const safe = stoppedByString ? text.length : text.length - longestStopPrefix(text, stops);
          if (safe > sent) out.push({ type: 'text', text: text.slice(sent, safe) });
          sent = Math.max(sent, safe);
        },
      },
    );
    signal.throwIfAborted();
    if (!stoppedByString && text.length > sent) out.push({ type: 'text', text: text.slice(sent) });
    const finishReason = stoppedByString || result.stopReason === 'stop' ? 'stop' : 'length';
    out.push({
      type: 'done',
      finishReason,
      usage: { promptTokens: result.promptTokens, completionTokens: result.tokenIds.length },
    });
    out.end();
  }
}

function firstStop(text: string, stops: string[]): number {
  const found = stops.map((s) => text.indexOf(s)).filter((i) => i >= 0);
  return found.length ? Math.min(...found) : -1;
}

function longestStopPrefix(text: string, stops: string[]): number {
  let longest = 0;
  for (const stop of stops)
    for (let n = Math.min(stop.length - 1, text.length); n > longest; n--)
      if (text.endsWith(stop.slice(0, n))) longest = n;
  return longest;
}

/** Our chat parts to the model's chat template input: images become `{type:'image'}` markers, in order. */
function toModelChat(messages: ChatMessage[]): {
  messages: ModelChatMessage[];
  images: ImageInput[];
} {
  const images: ImageInput[] = [];
  const out = messages.map(
    (message): ModelChatMessage => ({
      role: message.role,
      content: message.content.map((part) => {
        if (part.type === 'text') return { type: 'text', text: part.text };
        if (part.type === 'video')
          throw new ApiError(
            400,
            'invalid_request',
            'a video is answered alone: send one video_url part and the question, with no other image or video',
          );
        images.push(toImageInput(part.image));
        return { type: 'image' };
      }),
    }),
  );
  return { messages: out, images };
}

function toImageInput(image: ChatImage): ImageInput {
  if (image.kind === 'encoded') return image.bytes;
  if (image.channels === 3) return { data: image.data, width: image.width, height: image.height };
  const rgb: RgbImage = {
    data: new Uint8Array(image.width * image.height * 3),
    width: image.width,
    height: image.height,
  };
  for (let i = 0, j = 0; i < image.data.length; i += 4, j += 3)
    rgb.data.set(image.data.subarray(i, i + 3), j);
  return rgb;
}

/** An image the model cannot read is the caller's mistake: a 400 naming it, not a 500. */
export function imageError(error: unknown): ApiError | undefined {
  const message = error instanceof Error ? error.message : '';
  return /^cannot read image/.test(message)
    ? new ApiError(400, 'invalid_image', message)
    : undefined;
}
