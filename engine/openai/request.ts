// Validates a chat-completions request body and turns it into a backend ChatRequest.
// Every refusal names the offending field the way OpenAI does (`messages[1].content[0]`).
import type { ChatMessage, ChatPart, ChatRequest } from './backend';
import {
  BODY_FIELDS,
  MESSAGE_FIELDS,
  STREAM_OPTION_FIELDS,
  checkFieldTypes,
  invalidType,
} from './body-fields';
import { checkQuestion } from '../session/validate';
import { ApiError } from './errors';
import { decodeImageUrl, decodeVideoUrl, type ImageUrlPolicy } from './image-url';

export interface ParsedChatRequest {
  request: ChatRequest;
  stream: boolean;
  /** `stream_options.include_usage`: send a last chunk with token counts. */
  includeUsage: boolean;
}

export interface RequestLimits extends ImageUrlPolicy {
  maxMessages: number;
  maxImages: number;
  /** Upper bound for max_tokens; requests without one get this many. */
  maxTokens: number;
}

const ROLES = new Set(['system', 'user', 'assistant']);

function invalid(param: string, message: string): ApiError {
  return new ApiError(400, 'invalid_request', `${param}: ${message}`, param);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalNumber(body: Record<string, unknown>, name: string, min: number, max: number) {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
    throw invalid(name, `must be a number from ${min} to ${max}`);
  return value;
}

export async function parseChatRequest(
  body: unknown,
  limits: RequestLimits,
  defaultModel: string,
): Promise<ParsedChatRequest> {
  if (!isObject(body)) throw invalid('body', 'must be a JSON object');
  checkFieldTypes(body, BODY_FIELDS);
  const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
  checkFieldTypes(streamOptions, STREAM_OPTION_FIELDS, 'stream_options');
  // One choice per request: more would be silently dropped otherwise.
  if (body.n !== undefined && body.n !== null && body.n !== 1)
    throw invalid('n', `only n = 1 is supported (got ${String(body.n)})`);
  const model = body.model ?? defaultModel;
  if (typeof model !== 'string' || !model) throw invalid('model', 'must be a non-empty string');
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    throw invalid('messages', 'must be a non-empty array');
  if (body.messages.length > limits.maxMessages)
    throw invalid('messages', `at most ${limits.maxMessages} messages per request`);
  const images = { count: 0 };
  const messages: ChatMessage[] = [];
  for (const [i, message] of body.messages.entries())
    messages.push(await parseMessage(message, `messages[${i}]`, limits, images));
  // Clamped, not refused: many clients send a large default (4096) whatever the model.
  const asked =
    optionalNumber(body, 'max_tokens', 1, Number.MAX_SAFE_INTEGER) ??
    optionalNumber(body, 'max_completion_tokens', 1, Number.MAX_SAFE_INTEGER);
  const maxTokens = Math.min(asked ?? limits.maxTokens, limits.maxTokens);
  return {
    request: {
      model,
      messages,
      maxTokens: Math.floor(maxTokens),
      temperature: optionalNumber(body, 'temperature', 0, 2),
      topP: optionalNumber(body, 'top_p', 0, 1),
      seed: optionalNumber(body, 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
      stop: parseStop(body.stop),
    },
    stream: body.stream === true,
    includeUsage: streamOptions.include_usage === true,
  };
}

function parseStop(stop: unknown): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  const list = typeof stop === 'string' ? [stop] : stop;
  if (!Array.isArray(list) || list.length > 4 || !list.every((s) => typeof s === 'string' && s))
    throw invalid('stop', 'must be a string or up to 4 non-empty strings');
  return list as string[];
}

async function parseMessage(
  message: unknown,
  param: string,
  limits: RequestLimits,
  images: { count: number },
): Promise<ChatMessage> {
  if (!isObject(message)) throw invalidType(param, 'object', message);
  checkFieldTypes(message, MESSAGE_FIELDS, param);
  const role = message.role;
  if (typeof role !== 'string' || !ROLES.has(role))
    throw invalid(`${param}.role`, `must be one of ${[...ROLES].join(', ')}`);
  const content = message.content;
  if (typeof content === 'string') {
    checkText([{ type: 'text', text: content }], param);
    return { role: role as ChatMessage['role'], content: [{ type: 'text', text: content }] };
  }
  if (!Array.isArray(content)) throw invalid(`${param}.content`, 'must be a string or an array');
  const parts: ChatPart[] = [];
  for (const [j, part] of content.entries()) {
    const partParam = `${param}.content[${j}]`;
    if (!isObject(part)) throw invalidType(partParam, 'object', part);
    if (part.type === 'text') {
      if (typeof part.text !== 'string')
        throw invalidType(`${partParam}.text`, 'string', part.text);
      parts.push({ type: 'text', text: part.text });
    } else if (part.type === 'image_url') {
      const url = isObject(part.image_url) ? part.image_url.url : part.image_url;
      if (typeof url !== 'string') throw invalidType(`${partParam}.image_url.url`, 'string', url);
      checkDetail(part.image_url, `${partParam}.image_url`);
      if (++images.count > limits.maxImages)
        throw invalid(partParam, `at most ${limits.maxImages} images per request`);
      parts.push({
        type: 'image',
        image: await decodeImageUrl(url, limits, `${partParam}.image_url.url`),
      });
    } else if (part.type === 'video_url') {
      const url = isObject(part.video_url) ? part.video_url.url : part.video_url;
      if (typeof url !== 'string') throw invalidType(`${partParam}.video_url.url`, 'string', url);
      if (++images.count > limits.maxImages)
        throw invalid(partParam, `at most ${limits.maxImages} images and videos per request`);
      parts.push({
        type: 'video',
        video: await decodeVideoUrl(url, limits, `${partParam}.video_url.url`),
      });
    } else {
      throw invalid(`${partParam}.type`, "must be 'text', 'image_url' or 'video_url'");
    }
  }
  checkText(parts, param);
  return { role: role as ChatMessage['role'], content: parts };
}

/** A message's text within the engine's question limit (checkQuestion), as a 400 naming it. */
function checkText(parts: ChatPart[], param: string): void {
  const text = parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
  if (!text.trim()) return;
  try {
    checkQuestion(text);
  } catch (error) {
    throw invalid(
      `${param}.content`,
      `the text ${(error as Error).message.replace(/^the question /, '')}`,
    );
  }
}

/** `image_url.detail` is a hint we do not act on, but a wrong one is a client bug worth naming. */
function checkDetail(imageUrl: unknown, param: string): void {
  if (!isObject(imageUrl) || imageUrl.detail === undefined || imageUrl.detail === null) return;
  if (!['auto', 'low', 'high'].includes(imageUrl.detail as string))
    throw invalid(`${param}.detail`, "must be 'auto', 'low' or 'high'");
}
