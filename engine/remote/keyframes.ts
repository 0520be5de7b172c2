// The stream engine's remote-generation hook: the question plus the keyframes retrieval
// selected (images with their timestamps) go to a remote VLM; the answer streams back.
import { readFile } from 'node:fs/promises';
import type {
  ChatBackend,
  ChatImage,
  ChatMessage,
  ChatPart,
  GenerationUsage,
} from '../openai/backend';
import { sniffMediaType } from '../openai/image-url';
import { resolveRemoteConfig, type RemoteConfig } from './config';
import { RemoteChatBackend } from './client';

export interface Keyframe {
  /** Seconds from the start of the stream. */
  timeSec: number;
  /**
   * Decoded pixels (RGB or RGBA, as the decoder hands them over), or an image file's path.
   * Absent when a live stream no longer keeps the still: the time and text are sent alone.
   */
  image?: ChatImage | string;
  /** On-screen text recognised in this frame, if any: it helps the remote model read small print. */
  text?: string;
}

/** A decoded video frame as the stream engine holds it (engine/stream VideoFrame: packed RGB). */
export interface RgbFrame {
  timeSec: number;
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** A stream frame (plus its on-screen text, if known) as a keyframe for the remote server. */
export function keyframeFromFrame(frame: RgbFrame, text?: string): Keyframe {
  return {
    timeSec: frame.timeSec,
    image: { kind: 'raw', data: frame.rgb, width: frame.width, height: frame.height, channels: 3 },
    text,
  };
}

export interface RemoteAskOptions {
  question: string;
  /** In time order; each is sent as one image preceded by its timestamp. */
  keyframes: Keyframe[];
  /** Where to send it; default: resolveRemoteConfig() (settings absent, so the VLM_REMOTE_* variables). */
  config?: RemoteConfig;
  /** Overrides config: any ChatBackend, e.g. one shared across questions. */
  backend?: ChatBackend;
  signal?: AbortSignal;
  onToken?: (text: string) => void;
  maxTokens?: number;
  temperature?: number;
  systemPrompt?: string;
}

export interface RemoteAnswer {
  text: string;
  finishReason: 'stop' | 'length';
  usage?: GenerationUsage;
}

export const DEFAULT_SYSTEM_PROMPT =
  'You answer questions about a video. You see keyframes from it, each labelled with its time (mm:ss.s from the start). ' +
  'Answer from what the frames show, and cite the times of the frames you rely on.';

/** 83.25 -> "01:23.3"; hours appear only when needed. */
export function formatTimestamp(seconds: number): string {
  const total = Math.max(0, seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = (total % 60).toFixed(1).padStart(4, '0');
  const mm = String(m).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${s}` : `${mm}:${s}`;
}

async function loadImage(image: ChatImage | string): Promise<ChatImage> {
  if (typeof image !== 'string') return image;
  const bytes = await readFile(image).catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read keyframe image ${image}: ${error.code ?? error.message}`);
  });
  return { kind: 'encoded', bytes, mediaType: sniffMediaType(bytes) };
}

/** The chat messages for one question: a system prompt, then one user turn with every keyframe and the question. */
export async function buildKeyframeMessages(
  question: string,
  keyframes: Keyframe[],
  systemPrompt = DEFAULT_SYSTEM_PROMPT,
): Promise<ChatMessage[]> {
  if (!question.trim()) throw new Error('the question is empty');
  const parts: ChatPart[] = [];
  for (const frame of [...keyframes].sort((a, b) => a.timeSec - b.timeSec)) {
    const time = formatTimestamp(frame.timeSec);
    if (frame.image) {
      parts.push({ type: 'text', text: `Frame at ${time}:` });
      parts.push({ type: 'image', image: await loadImage(frame.image) });
    } else {
      parts.push({ type: 'text', text: `Frame at ${time} (image no longer kept).` });
    }
    if (frame.text?.trim())
      parts.push({ type: 'text', text: `Text on screen: ${frame.text.trim()}` });
  }
  parts.push({ type: 'text', text: `Question: ${question.trim()}` });
  return [
    { role: 'system', content: [{ type: 'text', text: systemPrompt }] },
    { role: 'user', content: parts },
  ];
}

/** Sends the question and keyframes to the remote server and streams the answer to onToken. */
export async function askRemoteWithKeyframes(options: RemoteAskOptions): Promise<RemoteAnswer> {
  const config = options.config ?? (options.backend ? undefined : resolveRemoteConfig());
  const backend = options.backend ?? new RemoteChatBackend(config as RemoteConfig);
  const messages = await buildKeyframeMessages(
    options.question,
    options.keyframes,
    options.systemPrompt,
  );
  const signal = options.signal ?? new AbortController().signal;
  let text = '';
  for await (const event of backend.generate(
    {
      model: config?.model ?? '',
      messages,
      maxTokens: options.maxTokens,
      temperature: options.temperature,
    },
    signal,
  )) {
    if (event.type === 'text') {
      text += event.text;
      options.onToken?.(event.text);
    } else if (event.type === 'done') {
      return { text, finishReason: event.finishReason, usage: event.usage };
    }
  }
  return { text, finishReason: 'stop' };
}
