// A deterministic ChatBackend for HTTP-layer tests (a test double of the model, not of
// HTTP): it answers with fixed words and reports what it received and whether it was aborted.
import sharp from 'sharp';
import type { ChatBackend, ChatRequest, GenerationEvent } from '../../../engine/openai/backend';

export interface SeenImage {
  width: number;
  height: number;
  format?: string;
}

export class ScriptedBackend implements ChatBackend {
  requests: ChatRequest[] = [];
  images: SeenImage[] = [];
  aborted = false;
  /** Resolves when a generation sees its signal abort. */
  abortSeen: Promise<void>;
  private onAbortSeen!: () => void;
  /** Errors to throw, one per generate() call, before any text. */
  failures: Error[] = [];

  constructor(
    readonly words: string[] = ['Hello', ' from', ' the', ' scripted', ' backend.'],
    /** Milliseconds between words; with `endless`, words repeat until aborted. */
    readonly delayMs = 0,
    readonly endless = false,
    /** After this many words, go silent (never finish) until aborted. */
    readonly stallAfter?: number,
  ) {
    this.abortSeen = new Promise((resolve) => (this.onAbortSeen = resolve));
  }

  async listModels(): Promise<string[]> {
    return ['scripted-1', 'scripted-2'];
  }

  async *generate(request: ChatRequest, signal: AbortSignal): AsyncGenerator<GenerationEvent> {
    this.requests.push(request);
    signal.addEventListener('abort', () => {
      this.aborted = true;
      this.onAbortSeen();
    });
    const failure = this.failures.shift();
    if (failure) throw failure;
    for (const message of request.messages)
      for (const part of message.content)
        if (part.type === 'image' && part.image.kind === 'encoded') {
          const meta = await sharp(part.image.bytes).metadata();
          this.images.push({
            width: meta.width ?? 0,
            height: meta.height ?? 0,
            format: meta.format,
          });
        }
    const limit = request.maxTokens ?? Infinity;
    let sent = 0;
    for (let i = 0; this.endless || i < this.words.length; i++) {
      if (sent >= limit) return yield { type: 'done', finishReason: 'length' };
      if (this.stallAfter !== undefined && sent >= this.stallAfter) await untilAborted(signal);
      if (this.delayMs) await delay(this.delayMs, signal);
      signal.throwIfAborted();
      yield { type: 'text', text: this.words[i % this.words.length] };
      sent++;
    }
    yield {
      type: 'done',
      finishReason: 'stop',
      usage: { promptTokens: 7, completionTokens: sent },
    };
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
}

/** A small PNG data URL of the given size (noise, so it does not compress away). */
export async function pngDataUrl(width: number, height: number, noise = false): Promise<string> {
  const pixels = Buffer.alloc(width * height * 3, 128);
  if (noise)
    for (let i = 0; i < pixels.length; i++) pixels[i] = Math.imul(i + 1, 2654435761) >>> 24;
  const png = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** Deterministic pseudo-random bytes (xorshift32): incompressible, unlike a smooth pattern. */
export function noiseBytes(length: number, seed = 2463534242): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
