// What the stream engine needs from a vision-language model. engine/model's loaded model
// is adapted to this (model-adapter.ts); tests and the benchmark can also use the
// in-process synthetic model. Embeddings are [n, hiddenSize] row-major.
import type { DecoderOutput, DecoderStep, TextModelSpec } from '../model/contract';
import type { SpanLayout } from '../model/positions';

/** A decoded video frame, as engine/ingest delivers it (raw RGB, 3 bytes per pixel). */
export interface VideoFrame {
  index: number;
  timeSec: number;
  width: number;
  height: number;
  rgb: Buffer;
}

/** A frame's input embeddings, and its tokens' positions when not one per token (M-RoPE). */
export interface FrameEmbedding {
  /** [tokens, hiddenSize]. */
  embeds: Float32Array;
  layout?: SpanLayout;
}

export interface StreamModel {
  readonly spec: TextModelSpec;
  /** Names the weights (and dtype): part of the key of a persisted stream. */
  readonly identity: string;
  /** Processor settings that change the encoded KV (image size, tokens per frame, prompt). */
  readonly settings: Record<string, unknown>;
  /** Whether decode() can return pre-RoPE query vectors (withQueries). */
  readonly supportsQueries: boolean;
  /** false when cached keys cannot be moved by rotation (checked at load): moved frames are prefilled again. */
  readonly canReposition?: boolean;
  /** What the model does otherwise than asked, each said once (the stream repeats them as its warnings). */
  readonly warnings?: readonly string[];
  /** The prompt prefix (system prompt, start of the user turn, a video's intro): the attention sink. */
  embedPrefix(still?: boolean): Promise<Float32Array>;
  /** One frame with its text scaffolding ("Frame at 0:12:" + image tokens). `still`: a single image. */
  embedFrame(frame: VideoFrame, still: boolean): Promise<FrameEmbedding>;
  /** The question (after a video's outro), closing the user turn and opening the assistant's. */
  embedQuestion(question: string, still?: boolean): Promise<Float32Array>;
  embedTokens(ids: number[]): Promise<Float32Array>;
  decode(step: DecoderStep): Promise<DecoderOutput>;
  decodeText(ids: number[]): string;
  isEndToken(id: number): boolean;
}
