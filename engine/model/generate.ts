// Text generation: prefill the prompt, then decode one token at a time with the KV cache,
// choosing each token greedily or by sampling, streaming each token as it comes, and
// stopping on a stop token, the token limit, the context limit or an aborted signal.
// The prompt may continue a cache assembled elsewhere (a stream's sink + retrieved +
// recent context): this is the one decode loop every local answer runs.
import type { DecoderOutput, DecoderStep, KvCache } from './contract';
import { positionRange, positionsAt, type SpanLayout } from './positions';
import { createRng, selectToken, type SamplingOptions } from './sampling';

export interface StreamedToken {
  id: number;
  /** The text this token adds to the answer (may be '' for a partial character). */
  text: string;
  /** 0 for the first generated token. */
  index: number;
}

export interface GenerateOptions extends SamplingOptions {
  /** Default 256 (or generation_config.json's max_new_tokens). */
  maxNewTokens?: number;
  /** Default: the tokenizer's and generation_config.json's eos ids. */
  stopTokenIds?: number[];
  /** Also ends generation on the tokens it accepts (a model port that knows its end tokens by test, not by list). */
  isStopToken?: (id: number) => boolean;
  onToken?: (token: StreamedToken) => void;
  /**
   * Checked before every decoder step and after it: a step that returns after the signal
   * was aborted yields no token. Generation ends with stopReason 'aborted'.
   */
  signal?: AbortSignal;
  /** Sees the logits each token is chosen from (before the repetition penalty); index 0 is the prompt's. */
  onLogits?: (logits: Float32Array, index: number) => void;
}

export interface GenerationInput {
  /** [n, hidden] prompt embeddings (image features already spliced in). */
  embeds: Float32Array;
  /** The prompt's token ids (for the repetition penalty). */
  ids?: readonly number[];
  /** A cache the prompt continues (e.g. the streaming context); default empty. */
  past?: KvCache;
  /** Position of the first prompt token; default past.length. */
  startPosition?: number;
  /** The prompt's positions from startPosition, when images make them other than one per token (M-RoPE). */
  layout?: SpanLayout;
}

export type StopReason = 'stop' | 'length' | 'context' | 'aborted';

export interface GenerationResult {
  /** Generated ids, without the stop token. */
  tokenIds: number[];
  text: string;
  stopReason: StopReason;
  promptTokens: number;
  /** Milliseconds from the call to the first token being chosen (prefill included). */
  ttftMs: number;
  /** Mean milliseconds per decoder step after the first token; 0 when there was none. */
  tpotMs: number;
  totalMs: number;
  /** The cache after the last decoder step (prompt + generated tokens fed so far). */
  cache: KvCache;
  /** The position the next token fed would take. */
  nextPosition: number;
}

/** What generation needs from a model. */
export interface GenerationBackend {
  hiddenSize: number;
  maxPositions: number;
  numLayers: number;
  embedTokens(ids: readonly number[]): Promise<Float32Array>;
  decode(step: DecoderStep): Promise<DecoderOutput>;
  decodeText(ids: readonly number[]): string;
}

export async function generate(
  backend: GenerationBackend,
  input: GenerationInput,
  options: GenerateOptions & { stopTokenIds: number[]; maxNewTokens: number },
  emptyCache: () => KvCache,
): Promise<GenerationResult> {
  const started = performance.now();
  const promptTokens = input.embeds.length / backend.hiddenSize;
  if (!Number.isInteger(promptTokens) || promptTokens === 0)
    throw new Error(
      `generate: prompt embeddings have ${input.embeds.length} values, not a positive multiple of hidden size ${backend.hiddenSize}`,
    );
  let cache = input.past ?? emptyCache();
  const promptStart = input.startPosition ?? cache.length;
  let position = promptStart;
  const rng = createRng(options.seed ?? 0);
  const stops = new Set(options.stopTokenIds);
  const history = [...(input.ids ?? [])];
  const tokenIds: number[] = [];
  let streamed = '';
  let ttftMs = 0;
  let firstTokenAt = 0;
  let stopReason: StopReason = 'length';

  let embeds = input.embeds;
  let n = promptTokens;
  let stepsAfterFirst = 0;
  for (;;) {
    if (options.signal?.aborted) {
      stopReason = 'aborted';
      break;
    }
    // Only the prompt can hold images; generated tokens are text, one position each.
    const layout = position === promptStart ? input.layout : undefined;
    const extent = layout ? layout.extent : n;
    if (position + extent > backend.maxPositions) {
      stopReason = 'context';
      break;
    }
    const out = await backend.decode({
      inputsEmbeds: embeds,
      positionIds: layout ? positionsAt(layout, position) : positionRange(position, n),
      past: cache,
      lastLogitsOnly: true,
    });
    cache = out.present;
    position += extent;
    if (options.signal?.aborted) {
      stopReason = 'aborted';
      break;
    }
    if (firstTokenAt !== 0) stepsAfterFirst++;
    options.onLogits?.(out.logits, tokenIds.length);
    // maxNewTokens 0 still prefills (the cache and the logits are what the caller wants).
    if (tokenIds.length >= options.maxNewTokens) break;
    const id = selectToken(out.logits, options, rng, history);
    if (firstTokenAt === 0) {
      firstTokenAt = performance.now();
      ttftMs = firstTokenAt - started;
    }
    if (stops.has(id) || options.isStopToken?.(id)) {
      stopReason = 'stop';
      break;
    }
    tokenIds.push(id);
    history.push(id);
    // A token can end in the middle of a UTF-8 character; hold its text back until complete.
    const full = backend.decodeText(tokenIds);
    const complete = !full.endsWith('\uFFFD');
    options.onToken?.({
      id,
      text: complete ? full.slice(streamed.length) : '',
      index: tokenIds.length - 1,
    });
    if (complete) streamed = full;
    if (tokenIds.length >= options.maxNewTokens) break;
    embeds = await backend.embedTokens([id]);
    n = 1;
  }
  const ended = performance.now();
  return {
    tokenIds,
    text: backend.decodeText(tokenIds),
    stopReason,
    promptTokens,
    ttftMs,
    tpotMs: stepsAfterFirst > 0 ? (ended - firstTokenAt) / stepsAfterFirst : 0,
    totalMs: ended - started,
    cache,
    nextPosition: position,
  };
}
