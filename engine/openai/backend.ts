// What a generation backend is, seen from the HTTP layer: messages with text and images
// in, text deltas out. The local model runtime and the remote client both implement it,
// so our endpoint can serve either, and the remote client can be tested against our endpoint.
import type { AnswerSummary } from '../session/summary';

/** An image already encoded as a file (PNG, JPEG, WebP...): what a data URL carries. */
export interface EncodedImage {
  kind: 'encoded';
  bytes: Buffer;
  /** e.g. image/png; from the data URL, or sniffed from a file. */
  mediaType: string;
  /** The file it was read from (a file URL), when it came from one. */
  path?: string;
  /** The message part it came from (`messages[0].content[1].image_url`), for errors. */
  param?: string;
}

/** A video from a `video_url` part: a file the server may read, or data URL bytes. */
export type ChatVideo = { kind: 'file'; path: string; param?: string } | EncodedImage;

/** Raw interleaved pixels, as the decoder hands frames over (RGB, or RGBA). */
export interface RawImage {
  kind: 'raw';
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3 | 4;
}

export type ChatImage = EncodedImage | RawImage;

export type ChatPart =
  | { type: 'text'; text: string }
  | { type: 'image'; image: ChatImage }
  | { type: 'video'; video: ChatVideo };

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

/** What the engine saw to answer about a video or image: the `vlm` field of a completion. */
export type AnswerEvidence = AnswerSummary;

export type GenerationEvent =
  | { type: 'text'; text: string }
  | { type: 'evidence'; evidence: AnswerEvidence }
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
