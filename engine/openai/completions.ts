// POST /v1/chat/completions: runs a backend and answers as one JSON completion or as
// server-sent `chat.completion.chunk` events ending with `[DONE]`.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { AnswerEvidence, ChatBackend, ChatRequest, GenerationUsage } from './backend';
import { toApiError } from './errors';
import { formatSseData } from './sse';
import {
  SSE_DONE,
  type WireChatChunk,
  type WireChatCompletion,
  type WireFinishReason,
  type WireUsage,
} from './wire';

interface Completion {
  id: string;
  created: number;
  model: string;
}

function newCompletion(model: string): Completion {
  return { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model };
}

function toWireUsage(usage: GenerationUsage): WireUsage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}

/** Runs the backend to the end; text goes to `onText`, returns how it finished. */
async function drive(
  backend: ChatBackend,
  request: ChatRequest,
  signal: AbortSignal,
  onText: (text: string) => Promise<void> | void,
): Promise<{ finishReason: WireFinishReason; usage?: GenerationUsage; vlm?: AnswerEvidence }> {
  let vlm: AnswerEvidence | undefined;
  for await (const event of backend.generate(request, signal)) {
    signal.throwIfAborted();
    if (event.type === 'text') {
      if (event.text) await onText(event.text);
    } else if (event.type === 'evidence') {
      vlm = event.evidence;
    } else {
      return { finishReason: event.finishReason, usage: event.usage, vlm };
    }
  }
  signal.throwIfAborted();
  return { finishReason: 'stop', vlm };
}

export async function answerCompletion(
  res: ServerResponse,
  backend: ChatBackend,
  request: ChatRequest,
  signal: AbortSignal,
): Promise<void> {
  const completion = newCompletion(request.model);
  let text = '';
  const end = await drive(backend, request, signal, (delta) => {
    text += delta;
  });
  const body: WireChatCompletion = {
    id: completion.id,
    object: 'chat.completion',
    created: completion.created,
    model: completion.model,
    choices: [
      { index: 0, message: { role: 'assistant', content: text }, finish_reason: end.finishReason },
    ],
    ...(end.usage ? { usage: toWireUsage(end.usage) } : {}),
    ...(end.vlm ? { vlm: end.vlm } : {}),
  };
  const json = JSON.stringify(body);
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(json),
  });
  res.end(json);
}

/** Writes and waits for the socket to take it, so a slow reader slows generation instead of filling memory. */
function writeEvent(res: ServerResponse, data: unknown): Promise<void> {
  if (res.write(formatSseData(data))) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

export async function streamCompletion(
  res: ServerResponse,
  backend: ChatBackend,
  request: ChatRequest,
  signal: AbortSignal,
  includeUsage: boolean,
): Promise<void> {
  const completion = newCompletion(request.model);
  const chunk = (
    delta: WireChatChunk['choices'][0]['delta'],
    finishReason: WireFinishReason | null,
  ): WireChatChunk => ({
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
  // Headers go out only with the first event: an error before it can still be a plain JSON error.
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
    });
    res.write(formatSseData(chunk({ role: 'assistant', content: '' }, null)));
  };
  try {
    const end = await drive(backend, request, signal, (text) => {
      start();
      return writeEvent(res, chunk({ content: text }, null));
    });
    start();
    await writeEvent(res, { ...chunk({}, end.finishReason), ...(end.vlm ? { vlm: end.vlm } : {}) });
    if (includeUsage && end.usage)
      await writeEvent(res, { ...chunk({}, null), choices: [], usage: toWireUsage(end.usage) });
    res.end(formatSseData(SSE_DONE));
  } catch (error) {
    if (!started || signal.aborted) throw error;
    // Mid-stream the status is already 200: report the error as an event, as OpenAI does.
    res.end(formatSseData(toApiError(error).toWire()));
  }
}
