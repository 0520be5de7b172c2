// long-file: not yet split into smaller modules
// One stream: frames -> model -> KV blocks in three tiers, and questions answered over
// sink + retrieved blocks (time order) + recent window with contiguous positions.
// Encoding a frame attends to sink + window only, so its cost stays flat however long
// the stream runs. Nothing is changed until a model call has returned, so a cancelled
// frame or question leaves the stream as it was.
import type { DecoderOutput, KvCache, TextModelSpec } from '../model/contract';
import {
  assembleCache,
  layerKvBytes,
  representativeKeys,
  sliceCache,
  meanOverTokens,
  type BlockMeta,
  type KvBlock,
} from '../cache/block';
import { BlockStore, type StoreStats } from '../cache/block-store';
import { MemoryBudget } from '../cache/memory-budget';
import type { CachePolicy } from '../cache/policies';
import {
  rankBlocks,
  type Evidence,
  type QuestionVectors,
  type RetrievalOptions,
} from '../cache/retrieval';
import { unrotateKeys } from '../cache/rope';
import type { StreamModel, VideoFrame } from './model-port';
import { Mutex } from './mutex';
import { createSampler, type SamplingOptions } from './sampling';

export interface StreamBudgets {
  /** Most tokens the prompt prefix (sink) may take. */
  sinkTokens: number;
  /** Blocks (frames) in the full-precision recent window. */
  recentBlocks: number;
  /** Blocks retrieved into an answer's context. */
  retrievedTopK: number;
  /** Most positions a context may use (at most the model's maxPositions). */
  maxContextTokens: number;
  /** Positions kept free for the question and the answer while encoding. */
  answerReserveTokens: number;
}

export interface AskOptions {
  onToken?: (text: string) => void;
  signal?: AbortSignal;
  maxTokens?: number;
  sampling?: SamplingOptions;
  /** Also return the logits of the first answer token (equivalence tests). */
  withLogits?: boolean;
  /** Generate elsewhere (a serving cluster): the stream retrieves, the generator answers. */
  generator?: ExternalGenerator;
}

/**
 * Hands generation to another system. It receives the question and the evidence retrieval
 * chose (the blocks the local answer would have attended to, best first), streams the
 * answer through onToken and returns its text. engine/remote builds one that sends the
 * evidence frames to an OpenAI-compatible server.
 */
export type ExternalGenerator = (request: {
  question: string;
  evidence: Evidence[];
  maxTokens: number;
  onToken: (text: string) => void;
  signal?: AbortSignal;
}) => Promise<string>;

export interface AskTimings {
  /** Question received -> first token. */
  ttftMs: number;
  /** Mean time per output token after the first. */
  tpotMs: number;
  totalMs: number;
  /** Total time spent encoding frames into this stream so far. */
  encodeMs: number;
  retrievalMs: number;
}

export interface TierStats {
  blocks: number;
  tokens: number;
  ramBytes: number;
  diskBytes: number;
  hits: number;
  misses: number;
  evictions: number;
}

export interface StreamStats {
  policy: string;
  sink: TierStats;
  recent: TierStats;
  retrievable: TierStats & Pick<StoreStats, 'poolBlocks' | 'spills' | 'corrupt' | 'budgetedBytes'>;
  framesEncoded: number;
  framesSkipped: number;
  /** Frames whose blocks were dropped (streaming-llm, h2o, or RAM-only beyond budget). */
  blocksDropped: number;
  streamEndSec: number;
  memoryBudget: { limitBytes: number; usedBytes: number };
  positions: { window: number; max: number };
  encodeMs: number;
}

/** Where one frame's block is, for timelines: the sink, the recent window, or offloaded. */
export interface BlockLocation {
  blockId: number;
  frameIndex: number;
  timeSec: number;
  tier: 'sink' | 'recent' | 'ram' | 'disk';
}

export interface AskResult {
  answer: string;
  evidence: Evidence[];
  timings: AskTimings;
  cache: StreamStats;
  /** Which blocks the answer's context held (time order). */
  context: { sinkTokens: number; retrieved: number[]; recent: number[]; questionTokens: number };
  logits?: Float32Array;
}

export interface EncodedState {
  sink: KvBlock;
  recent: KvBlock[];
  nextBlockId: number;
  framesEncoded: number;
  framesSkipped: number;
  streamEndSec: number;
}

export class StreamLimitError extends Error {
  override name = 'StreamLimitError';
}

export function abortError(): Error {
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  return error;
}

export class KvStream {
  readonly spec: TextModelSpec;
  private sink!: KvBlock;
  private window: KvBlock[] = [];
  private readonly attention = new Map<number, number>();
  private readonly mutex = new Mutex();
  private nextBlockId = 0;
  private framesEncoded = 0;
  private framesSkipped = 0;
  private blocksDropped = 0;
  private streamEndSec = 0;
  private encodeMs = 0;
  private closed = false;

  constructor(
    readonly model: StreamModel,
    readonly policy: CachePolicy,
    readonly budgets: StreamBudgets,
    readonly store: BlockStore,
    readonly memoryBudget: MemoryBudget,
    private readonly retrieval: RetrievalOptions,
    private readonly still: boolean,
  ) {
    this.spec = model.spec;
    if (budgets.maxContextTokens > model.spec.maxPositions)
      throw new Error(
        `maxContextTokens ${budgets.maxContextTokens} exceeds the model's position limit (max_position_embeddings ${model.spec.maxPositions})`,
      );
    if (budgets.recentBlocks < 1)
      throw new Error(`recentBlocks must be at least 1, got ${budgets.recentBlocks}`);
  }

  /** Encodes the prompt prefix into the sink. */
  async init(): Promise<void> {
    const t0 = performance.now();
    const embeds = await this.model.embedPrefix();
    const n = embeds.length / this.spec.hiddenSize;
    if (n > this.budgets.sinkTokens)
      throw new StreamLimitError(
        `the prompt prefix has ${n} tokens, more than sinkTokens ${this.budgets.sinkTokens}`,
      );
    const out = await this.model.decode({
      inputsEmbeds: embeds,
      positionIds: range(0, n),
      past: assembleCache([], this.spec),
      lastLogitsOnly: true,
    });
    this.sink = this.blockFrom(out.present, 0, n, { id: -1, frameIndex: -1, timeSec: 0 });
    this.encodeMs += performance.now() - t0;
  }

  /** Restores an encoded state (reopened from disk) instead of init(). */
  restore(state: EncodedState): void {
    this.sink = state.sink;
    this.window = state.recent;
    this.nextBlockId = state.nextBlockId;
    this.framesEncoded = state.framesEncoded;
    this.framesSkipped = state.framesSkipped;
    this.streamEndSec = state.streamEndSec;
  }

  snapshot(): EncodedState {
    return {
      sink: this.sink,
      recent: [...this.window],
      nextBlockId: this.nextBlockId,
      framesEncoded: this.framesEncoded,
      framesSkipped: this.framesSkipped,
      streamEndSec: this.streamEndSec,
    };
  }

  /** Encodes one frame into a new block (serialized with questions). */
  pushFrame(frame: VideoFrame, signal?: AbortSignal): Promise<BlockMeta> {
    return this.mutex.run(() => this.encodeFrame(frame, signal));
  }

  /** Adds a block whose KV was computed elsewhere (synthetic streams in tests and benchmarks). */
  pushEncodedBlock(kv: KvCache, frame: { index: number; timeSec: number }): Promise<BlockMeta> {
    return this.mutex.run(async () => {
      const { kept, evicted } = this.planWindow(kv.length);
      const at = this.sink.tokenCount + kept.reduce((n, b) => n + b.tokenCount, 0);
      const block = this.blockFrom(
        kv,
        0,
        kv.length,
        { id: this.nextBlockId, frameIndex: frame.index, timeSec: frame.timeSec },
        at,
      );
      this.commit(block, evicted);
      return block;
    });
  }

  /** Counts frames the gate skipped as unchanged (reported in stats). */
  noteSkipped(count: number, lastTimeSec?: number): void {
    this.framesSkipped += count;
    if (lastTimeSec === undefined) return;
    this.streamEndSec = Math.max(this.streamEndSec, lastTimeSec);
    // The skipped frames repeat the newest encoded frame: it stayed on screen until now.
    const newest = this.window.at(-1);
    if (newest) newest.untilSec = Math.max(newest.untilSec ?? newest.timeSec, lastTimeSec);
  }

  ask(question: string, options: AskOptions = {}): Promise<AskResult> {
    return this.mutex.run(() => this.answer(question, options));
  }

  /** Every block in time order with its tier (the sink first). */
  blockLocations(): BlockLocation[] {
    const at = (b: BlockMeta, tier: BlockLocation['tier']): BlockLocation => ({
      blockId: b.id,
      frameIndex: b.frameIndex,
      timeSec: b.timeSec,
      tier,
    });
    const stored = this.store.locations().map(({ meta, where }) => at(meta, where));
    stored.sort((a, b) => a.timeSec - b.timeSec || a.blockId - b.blockId);
    return [
      ...(this.sink ? [at(this.sink, 'sink')] : []),
      ...stored,
      ...this.window.map((b) => at(b, 'recent')),
    ];
  }

  stats(): StreamStats {
    const tier = (blocks: KvBlock[]): TierStats => ({
      blocks: blocks.length,
      tokens: blocks.reduce((n, b) => n + b.tokenCount, 0),
      ramBytes: blocks.reduce((n, b) => n + layerKvBytes(b.kv), 0),
      diskBytes: 0,
      hits: 0,
      misses: 0,
      evictions: 0,
    });
    const s = this.store.stats();
    const recent = tier(this.window);
    recent.evictions = this.framesEncoded > recent.blocks ? this.framesEncoded - recent.blocks : 0;
    return {
      policy: this.policy.name,
      sink: tier(this.sink ? [this.sink] : []),
      recent,
      retrievable: {
        blocks: s.blocks,
        tokens: s.tokens,
        ramBytes: s.ramBytes,
        diskBytes: s.diskBytes,
        hits: s.hits,
        misses: s.misses,
        evictions: s.evictions,
        poolBlocks: s.poolBlocks,
        spills: s.spills,
        corrupt: s.corrupt,
        budgetedBytes: s.budgetedBytes,
      },
      framesEncoded: this.framesEncoded,
      framesSkipped: this.framesSkipped,
      blocksDropped: this.blocksDropped + s.evictions,
      streamEndSec: this.streamEndSec,
      memoryBudget: {
        limitBytes: this.memoryBudget.limitBytes,
        usedBytes: this.memoryBudget.usedBytes(),
      },
      positions: { window: this.windowTokens(), max: this.budgets.maxContextTokens },
      encodeMs: this.encodeMs,
    };
  }

  /** Waits for work in progress, then releases the store (removing spill files unless kept). */
  close(keepFiles: boolean): Promise<void> {
    return this.mutex.run(async () => {
      if (this.closed) return;
      this.closed = true;
      this.store.close(!keepFiles);
      this.window = [];
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private async encodeFrame(frame: VideoFrame, signal?: AbortSignal): Promise<BlockMeta> {
    this.assertOpen();
    if (signal?.aborted) throw abortError();
    const t0 = performance.now();
    const embeds = await this.model.embedFrame(frame, this.still);
    const n = embeds.length / this.spec.hiddenSize;
    const { kept, evicted } = this.planWindow(n);
    const past = assembleCache([this.sink, ...kept], this.spec);
    if (signal?.aborted) throw abortError();
    const out = await this.model.decode({
      inputsEmbeds: embeds,
      positionIds: range(past.length, n),
      past,
      lastLogitsOnly: true,
      withQueries: this.policy.tracksAttention && this.model.supportsQueries,
    });
    if (signal?.aborted) throw abortError();
    const block = this.blockFrom(out.present, past.length, n, {
      id: this.nextBlockId,
      frameIndex: frame.index,
      timeSec: frame.timeSec,
    });
    if (out.queries) this.accumulateAttention(out.queries, n, kept);
    this.commit(block, evicted);
    this.encodeMs += performance.now() - t0;
    return block;
  }

  /** Which window blocks stay for a new frame of n tokens (count and position limits). */
  private planWindow(n: number): { kept: KvBlock[]; evicted: KvBlock[] } {
    const limit = this.budgets.maxContextTokens - this.budgets.answerReserveTokens;
    const maxBlocks = this.policy.windowBlocks(this.budgets);
    const kept = [...this.window];
    const evicted: KvBlock[] = [];
    const tokens = () => this.sink.tokenCount + kept.reduce((s, b) => s + b.tokenCount, 0) + n;
    while (kept.length > 0 && (kept.length >= maxBlocks || tokens() > limit)) {
      if (maxBlocks === Infinity)
        throw new StreamLimitError(
          `the '${this.policy.name}' policy keeps every frame, and frame ${this.framesEncoded + 1} would need ${tokens()} positions; ` +
            `the limit is ${limit} (maxContextTokens ${this.budgets.maxContextTokens} minus ${this.budgets.answerReserveTokens} reserved for the answer). Use the rekv policy for long streams.`,
        );
      const i = this.policy.chooseEviction ? this.policy.chooseEviction(kept, this.attention) : 0;
      evicted.push(...kept.splice(i, 1));
    }
    if (tokens() > limit)
      throw new StreamLimitError(
        `one frame of ${n} tokens plus the sink does not fit in ${limit} positions`,
      );
    return { kept, evicted };
  }

  private commit(block: KvBlock, evicted: KvBlock[]): void {
    for (const old of evicted) {
      this.attention.delete(old.id);
      if (this.policy.evicted === 'store') this.store.put(old);
      else this.blocksDropped++;
    }
    this.window = [...this.window.filter((b) => !evicted.includes(b)), block];
    this.nextBlockId++;
    this.framesEncoded++;
    this.streamEndSec = Math.max(this.streamEndSec, block.timeSec);
  }

  private blockFrom(
    cache: KvCache,
    start: number,
    n: number,
    ids: { id: number; frameIndex: number; timeSec: number },
    keyPosition = start,
  ): KvBlock {
    const kv = sliceCache(cache, start, n, this.spec);
    return {
      ...ids,
      tokenCount: n,
      keyPosition,
      kv,
      representatives: representativeKeys(kv, n, keyPosition, this.spec),
    };
  }

  /** H2O-like bookkeeping: how much the new frame's queries attend each window block. */
  private accumulateAttention(queries: Float32Array[], n: number, window: KvBlock[]): void {
    if (window.length === 0) return;
    const { numHeads, numKvHeads, headDim } = this.spec;
    const group = numHeads / numKvHeads;
    queries.forEach((q, layer) => {
      const mean = meanOverTokens(q, numHeads, n, headDim);
      const logits = window.map((b) => {
        const rep = b.representatives[layer];
        let s = 0;
        for (let h = 0; h < numHeads; h++)
          for (let d = 0; d < headDim; d++)
            s += mean[h * headDim + d] * rep[Math.floor(h / group) * headDim + d];
        return s / Math.sqrt(headDim);
      });
      const top = Math.max(...logits);
      const weights = logits.map((x) => Math.exp(x - top));
      const sum = weights.reduce((a, b) => a + b, 0);
      window.forEach((b, i) =>
        this.attention.set(b.id, (this.attention.get(b.id) ?? 0) + weights[i] / sum),
      );
    });
  }

  private windowTokens(): number {
    return (this.sink?.tokenCount ?? 0) + this.window.reduce((n, b) => n + b.tokenCount, 0);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the stream is closed');
  }

  private async answer(question: string, options: AskOptions): Promise<AskResult> {
    this.assertOpen();
    const signal = options.signal;
    const check = () => {
      if (signal?.aborted) throw abortError();
    };
    check();
    const t0 = performance.now();
    const qEmbeds = await this.model.embedQuestion(question);
    const qLen = qEmbeds.length / this.spec.hiddenSize;
    const base = this.windowTokens();
    const free = this.budgets.maxContextTokens - base - qLen;
    if (free < 1)
      throw new StreamLimitError(
        `the question (${qLen} tokens) does not fit: the context already holds ${base} of ${this.budgets.maxContextTokens} positions`,
      );
    const maxTokens = Math.min(options.maxTokens ?? 128, free);
    check();
    const { evidence, retrieved } = await this.retrieve(question, qEmbeds, free - maxTokens, check);
    const retrievalMs = performance.now() - t0;
    check();
    const context = {
      sinkTokens: this.sink.tokenCount,
      retrieved: retrieved.map((b) => b.id),
      recent: this.window.map((b) => b.id),
      questionTokens: qLen,
    };
    if (options.generator) {
      const answered = await this.generateElsewhere(options.generator, question, evidence, {
        ...options,
        maxTokens,
      });
      return {
        answer: answered.text.trim(),
        evidence,
        timings: { ...answered.timings(t0), encodeMs: this.encodeMs, retrievalMs },
        cache: this.stats(),
        context,
      };
    }
    const past = assembleCache([this.sink, ...retrieved, ...this.window], this.spec);
    const sample = createSampler(options.sampling);
    let out: DecoderOutput = await this.model.decode({
      inputsEmbeds: qEmbeds,
      positionIds: range(past.length, qLen),
      past,
      lastLogitsOnly: true,
    });
    check();
    const logits = options.withLogits ? lastRow(out.logits, this.spec.vocabSize) : undefined;
    const ids: number[] = [];
    let text = '';
    let ttftMs = 0;
    let firstAt = 0;
    for (let step = 0; step < maxTokens; step++) {
      const id = sample(lastRow(out.logits, this.spec.vocabSize));
      if (step === 0) {
        firstAt = performance.now();
        ttftMs = firstAt - t0;
      }
      if (this.model.isEndToken(id)) break;
      ids.push(id);
      const next = this.model.decodeText(ids);
      if (next.length > text.length && !next.endsWith('\uFFFD')) {
        options.onToken?.(next.slice(text.length));
        text = next;
      }
      if (step === maxTokens - 1) break;
      check();
      const position = out.present.length;
      out = await this.model.decode({
        inputsEmbeds: await this.model.embedTokens([id]),
        positionIds: [position],
        past: out.present,
        lastLogitsOnly: true,
      });
    }
    const end = performance.now();
    const finalText = this.model.decodeText(ids);
    if (finalText.length > text.length) options.onToken?.(finalText.slice(text.length));
    return {
      answer: finalText.trim(),
      evidence,
      timings: {
        ttftMs,
        tpotMs: ids.length > 1 ? (end - firstAt) / (ids.length - 1) : 0,
        totalMs: end - t0,
        encodeMs: this.encodeMs,
        retrievalMs,
      },
      cache: this.stats(),
      context,
      logits,
    };
  }

  /** Runs an external generator, timing its first chunk and the chunks after it. */
  private async generateElsewhere(
    generator: ExternalGenerator,
    question: string,
    evidence: Evidence[],
    options: AskOptions & { maxTokens: number },
  ) {
    let firstAt = 0;
    let chunks = 0;
    const text = await generator({
      question,
      evidence,
      maxTokens: options.maxTokens,
      signal: options.signal,
      onToken: (chunk) => {
        if (chunks++ === 0) firstAt = performance.now();
        options.onToken?.(chunk);
      },
    });
    const end = performance.now();
    return {
      text,
      timings: (t0: number) => ({
        ttftMs: (firstAt || end) - t0,
        tpotMs: chunks > 1 ? (end - firstAt) / (chunks - 1) : 0,
        totalMs: end - t0,
      }),
    };
  }

  /**
   * Scores stored and window blocks for the question; returns the evidence (blocks in the
   * answer's context, best first) and the stored blocks to bring back, in time order.
   */
  private async retrieve(
    question: string,
    qEmbeds: Float32Array,
    tokenRoom: number,
    check: () => void,
  ): Promise<{ evidence: Evidence[]; retrieved: KvBlock[] }> {
    const stored = this.policy.retrievedBlocks(this.budgets) > 0 ? this.store.metas() : [];
    const candidates: BlockMeta[] = [...stored, ...this.window];
    if (candidates.length === 0) return { evidence: [], retrieved: [] };
    const primary = this.retrieval.primary;
    const needsVectors = primary === 'queries' || primary === 'keys';
    const vectors = needsVectors ? await this.questionVectors(qEmbeds, primary === 'queries') : {};
    check();
    // A model without query outputs falls back to question keys.
    const scorer = vectors.queries ? 'queries' : vectors.keys ? 'keys' : primary;
    const ranked = await rankBlocks(
      {
        question,
        vectors,
        candidates,
        spec: this.spec,
        topK: this.policy.retrievedBlocks(this.budgets),
        streamEndSec: this.streamEndSec,
      },
      { ...this.retrieval, primary: scorer },
    );
    const windowIds = new Set(this.window.map((b) => b.id));
    const storedById = new Map(stored.map((m) => [m.id, m]));
    const chosen: KvBlock[] = [];
    let room = tokenRoom;
    for (const e of ranked) {
      if (chosen.length >= this.policy.retrievedBlocks(this.budgets)) break;
      if (windowIds.has(e.blockId)) continue;
      const meta = storedById.get(e.blockId)!;
      if (meta.tokenCount > room) continue;
      const block = this.store.get(e.blockId);
      if (!block) continue;
      chosen.push(block);
      room -= block.tokenCount;
    }
    chosen.sort((a, b) => a.timeSec - b.timeSec || a.id - b.id);
    const inContext = new Set([...chosen.map((b) => b.id), ...windowIds]);
    return { evidence: ranked.filter((e) => inContext.has(e.blockId)), retrieved: chosen };
  }

  /** The question's mean pre-RoPE queries (or keys) per layer, from a pass over sink + question. */
  private async questionVectors(
    qEmbeds: Float32Array,
    wantQueries: boolean,
  ): Promise<QuestionVectors> {
    const { numHeads, numKvHeads, headDim, rope } = this.spec;
    const past = assembleCache([this.sink], this.spec);
    const n = qEmbeds.length / this.spec.hiddenSize;
    const useQueries = wantQueries && this.model.supportsQueries;
    const out = await this.model.decode({
      inputsEmbeds: qEmbeds,
      positionIds: range(past.length, n),
      past,
      lastLogitsOnly: true,
      withQueries: useQueries,
    });
    if (useQueries && out.queries)
      return { queries: out.queries.map((q) => meanOverTokens(q, numHeads, n, headDim)) };
    const own = sliceCache(out.present, past.length, n, this.spec);
    return {
      keys: own.map((l) =>
        meanOverTokens(
          unrotateKeys(l.key, numKvHeads, n, headDim, rope, past.length),
          numKvHeads,
          n,
          headDim,
        ),
      ),
    };
  }
}

function range(start: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}

function lastRow(logits: Float32Array, vocab: number): Float32Array {
  return logits.subarray(logits.length - vocab);
}
