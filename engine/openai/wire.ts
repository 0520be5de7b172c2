// The OpenAI chat-completions wire format, as far as this project speaks it: what our
// endpoint accepts and returns, and what the remote client sends and parses. One file so
// the two sides cannot drift apart.
import type { AnswerEvidence } from './backend';

export type WireRole = 'system' | 'user' | 'assistant';

export interface WireTextPart {
  type: 'text';
  text: string;
}

export interface WireImagePart {
  type: 'image_url';
  /** `url` is a data URL (`data:image/png;base64,...`) or, where allowed, a file URL. */
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

export type WireContentPart = WireTextPart | WireImagePart;

export interface WireMessage {
  role: WireRole;
  content: string | WireContentPart[];
}

export interface WireChatRequest {
  model: string;
  messages: WireMessage[];
  stream?: boolean;
  max_tokens?: number;
  /** Newer OpenAI name for max_tokens; accepted as an alias. */
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  seed?: number;
}

export type WireFinishReason = 'stop' | 'length';

export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface WireChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: number;
    message: { role: 'assistant'; content: string };
    finish_reason: WireFinishReason;
  }[];
  usage?: WireUsage;
  /** An answer about a video or image: the frames it used (this server's extension). */
  vlm?: AnswerEvidence;
}

export interface WireChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: {
    index: number;
    delta: { role?: 'assistant'; content?: string };
    finish_reason: WireFinishReason | null;
  }[];
  usage?: WireUsage | null;
}

export interface WireModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export interface WireModelList {
  object: 'list';
  data: WireModel[];
}

/** OpenAI's error body; vLLM, SGLang, Ollama and llama.cpp send the same shape (mostly). */
export interface WireError {
  error: { message: string; type: string; code: string | number | null; param?: string | null };
}

/** The end-of-stream sentinel every OpenAI-compatible server sends as the last SSE data line. */
export const SSE_DONE = '[DONE]';
