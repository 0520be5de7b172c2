// Answering once the context is chosen: locally, by engine/model/generate.ts's decode loop
// and sampler over the assembled KV context (the one loop every local answer runs), or by
// an external generator given the evidence. Times here count from the call; the stream
// adds the retrieval before it.
import { generate } from '../model/generate';
import { emptyCache, type PositionedCache } from '../cache/block';
import type { Evidence } from '../cache/retrieval';
import type { StreamModel } from './model-port';
import type { AskOptions, ExternalGenerator } from './types';

export interface Answered {
  text: string;
  /** From the call to the first token (or chunk). */
  ttftMs: number;
  tpotMs: number;
  /** A local answer's first-token logits, when asked for (withLogits). */
  logits?: Float32Array;
}

export function abortError(): Error {
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  return error;
}

/**
 * The question's embeddings prefilled over `context` (sink + retrieved + recent, from
 * position 0), then decoded token by token until an end token or maxTokens. Throws AbortError
 * when options.signal aborts it.
 */
export async function answerLocally(
  model: StreamModel,
  maxPositions: number,
  question: Float32Array,
  context: PositionedCache,
  maxTokens: number,
  options: AskOptions,
): Promise<Answered> {
  const { spec } = model;
  let logits: Float32Array | undefined;
  let streamed = '';
  const emit = (text: string) => {
    streamed += text;
    if (text) options.onToken?.(text);
  };
  const generated = await generate(
    {
      hiddenSize: spec.hiddenSize,
      maxPositions,
      numLayers: spec.numLayers,
      embedTokens: (ids) => model.embedTokens([...ids]),
      decode: (step) => model.decode(step),
      decodeText: (ids) => model.decodeText([...ids]),
    },
    { embeds: question, past: context.cache, startPosition: context.extent },
    {
      ...options.sampling,
      maxNewTokens: maxTokens,
      stopTokenIds: [],
      isStopToken: (id) => model.isEndToken(id),
      signal: options.signal,
      onToken: (token) => emit(token.text),
      onLogits: (row, index) => {
        if (options.withLogits && index === 0) logits = row.subarray(row.length - spec.vocabSize);
      },
    },
    () => emptyCache(spec),
  );
  if (generated.stopReason === 'aborted') throw abortError();
  // A last token that ended mid-character was held back; the whole text is known now.
  if (generated.text.length > streamed.length) emit(generated.text.slice(streamed.length));
  return { text: generated.text, ttftMs: generated.ttftMs, tpotMs: generated.tpotMs, logits };
}

/** Runs an external generator, timing its first chunk and the chunks after it. */
export async function answerElsewhere(
  generator: ExternalGenerator,
  question: string,
  evidence: Evidence[],
  maxTokens: number,
  options: AskOptions,
): Promise<Answered> {
  const started = performance.now();
  let firstAt = 0;
  let chunks = 0;
  const text = await generator({
    question,
    evidence,
    maxTokens,
    signal: options.signal,
    onToken: (chunk) => {
      if (chunks++ === 0) firstAt = performance.now();
      options.onToken?.(chunk);
    },
  });
  const end = performance.now();
  return {
    text,
    ttftMs: (firstAt || end) - started,
    tpotMs: chunks > 1 ? (end - firstAt) / (chunks - 1) : 0,
  };
}
