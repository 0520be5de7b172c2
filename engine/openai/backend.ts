// What a generation backend is, seen from the HTTP layer: messages with text and images
// in, text deltas out. The local model runtime and the remote client both implement it,
// so our endpoint can serve either, and the remote client can be tested against our endpoint.

/** An image already encoded as a file (PNG, JPEG, WebP...): what a data URL carries. */
export interface EncodedImage {
  kind: 'encoded';
  bytes: Buffer;
  /** e.g. image/png; from the data URL, or sniffed from a file. */
  mediaType: string;
}

/** Raw interleaved pixels, as the decoder hands frames over (RGB, or RGBA). */
export interface RawImage {
  kind: 'raw';
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3 | 4;
}

export type ChatImage = EncodedImage | RawImage;

export type ChatPart = { type: 'text'; text: string } | { type: 'image'; image: ChatImage };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: ChatPart[];
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
}

export interface GenerationUsage {
  promptTokens: number;
  completionTokens: number;
}

export type GenerationEvent =
  | { type: 'text'; text: string }
  | { type: 'done'; finishReason: 'stop' | 'length'; usage?: GenerationUsage };

export interface ChatBackend {
  /** The model ids this backend answers to; the first one is the default. */
  listModels(signal?: AbortSignal): Promise<string[]>;
  /**
   * Streams the answer: `text` events, then one `done`. Stops promptly (throwing the
   * signal's reason) when `signal` aborts; a backend that ends without `done` is taken
   * to have finished with reason `stop`.
   */
  generate(request: ChatRequest, signal: AbortSignal): AsyncIterable<GenerationEvent>;
}
