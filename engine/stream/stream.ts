// One stream: frames -> model -> KV blocks in three tiers, and questions answered over
// sink + retrieved blocks (time order) + recent window with contiguous positions.
// Encoding a frame attends to sink + window only, so its cost stays flat however long
// the stream runs. Nothing is changed until a model call has returned, so a cancelled
// frame or question leaves the stream as it was. This class orchestrates: the window's
// eviction and context assembly are engine/cache/kv-window.ts, scoring is
// engine/cache/retrieval, and answers run engine/model/generate.ts's decode loop.
import type { KvCache, TextModelSpec } from '../model/contract';
import {
  blockFromCache,
  emptyCache,
  layerKvBytes,
  type BlockMeta,
  type KvBlock,
  type PositionedCache,
} from '../cache/block';
import { positionRange, positionsAt } from '../model/positions';
import { BlockStore } from '../cache/block-store';
import { KvWindow, type SpacePlan } from '../cache/kv-window';
import { MemoryBudget } from '../cache/memory-budget';
import type { CachePolicy } from '../cache/policies';
import type { RetrievalOptions } from '../cache/retrieval';
import { prefillAgain } from '../cache/reprefill';
import { retrieveForContext } from '../cache/retrieval/retrieve';
import { abortError, answerElsewhere, answerLocally, type Answered } from './answer';
import type { StreamModel, VideoFrame } from './model-port';
import { Mutex } from './mutex';
import type {
  AskOptions,
  AskResult,
  BlockLocation,
  EncodedState,
  StreamBudgets,
  StreamStats,
  TierStats,
} from './types';

// The stream's types live in types.ts; engine/stream/index.ts takes them from here.
export type * from './types';

export class StreamLimitError extends Error {
  override name = 'StreamLimitError';
}

export class KvStream {
  readonly spec: TextModelSpec;
  private readonly window: KvWindow;
  private readonly mutex = new Mutex();
  private nextBlockId = 0;
  private framesEncoded = 0;
  private framesSkipped = 0;
  private blocksDropped = 0;
  private streamEndSec = 0;
  private encodeMs = 0;
  private closed = false;
  /** Frames' input embeddings, kept only when the model's keys cannot be re-rotated (reprefill.ts). */
  private readonly frameEmbeds = new Map<number, Float32Array>();

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
    this.window = new KvWindow(this.spec, {
      maxBlocks: policy.windowBlocks(budgets),
      maxTokens: budgets.maxContextTokens - budgets.answerReserveTokens,
      chooseEviction: policy.chooseEviction?.bind(policy),
    });
  }

  /** Encodes the prompt prefix into the sink. */
  async init(): Promise<void> {
    const t0 = performance.now();
    const embeds = await this.model.embedPrefix(this.still);
    const n = embeds.length / this.spec.hiddenSize;
    if (n > this.budgets.sinkTokens)
      throw new StreamLimitError(
        `the prompt prefix has ${n} tokens, more than sinkTokens ${this.budgets.sinkTokens}`,
      );
    const out = await this.model.decode({
      inputsEmbeds: embeds,
      positionIds: positionRange(0, n),
      past: emptyCache(this.spec),
      lastLogitsOnly: true,
    });
    this.window.setSink(
      blockFromCache(out.present, 0, n, { id: -1, frameIndex: -1, timeSec: 0 }, this.spec),
    );
    this.encodeMs += performance.now() - t0;
  }

  /** Restores an encoded state (reopened from disk) instead of init(). */
  restore(state: EncodedState): void {
    this.window.restore(state.sink, state.recent);
    this.nextBlockId = state.nextBlockId;
    this.framesEncoded = state.framesEncoded;
    this.framesSkipped = state.framesSkipped;
    this.streamEndSec = state.streamEndSec;
  }

  snapshot(): EncodedState {
    return {
      sink: this.window.sink!,
      recent: [...this.window.recent],
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
      const plan = this.planSpace(kv.length);
      const ids = { id: this.nextBlockId, frameIndex: frame.index, timeSec: frame.timeSec };
      const block = blockFromCache(kv, 0, kv.length, ids, this.spec, plan.position);
      this.commit(plan, block);
      return block;
    });
  }

  /** Counts frames the gate skipped as unchanged (reported in stats). */
  noteSkipped(count: number, lastTimeSec?: number): void {
    this.framesSkipped += count;
    if (lastTimeSec === undefined) return;
    this.streamEndSec = Math.max(this.streamEndSec, lastTimeSec);
    // The skipped frames repeat the newest encoded frame: it stayed on screen until now.
    const newest = this.window.newest;
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
    const sink = this.window.sink;
    return [
      ...(sink ? [at(sink, 'sink')] : []),
      ...stored,
      ...this.window.recent.map((b) => at(b, 'recent')),
    ];
  }

  stats(): StreamStats {
    const tier = (blocks: readonly KvBlock[]): TierStats => ({
      blocks: blocks.length,
      tokens: blocks.reduce((n, b) => n + b.tokenCount, 0),
      ramBytes: blocks.reduce((n, b) => n + layerKvBytes(b.kv), 0),
      diskBytes: 0,
      hits: 0,
      misses: 0,
      evictions: 0,
    });
    const s = this.store.stats();
    const recent = tier(this.window.recent);
    recent.evictions = this.framesEncoded > recent.blocks ? this.framesEncoded - recent.blocks : 0;
    const sink = this.window.sink;
    return {
      policy: this.policy.name,
      sink: tier(sink ? [sink] : []),
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
      positions: { window: this.window.positions, max: this.budgets.maxContextTokens },
      encodeMs: this.encodeMs,
    };
  }

  /** Waits for work in progress, then releases the store (removing spill files unless kept). */
  close(keepFiles: boolean): Promise<void> {
    return this.mutex.run(async () => {
      if (this.closed) return;
      this.closed = true;
      this.store.close(!keepFiles);
      this.window.clear();
      this.frameEmbeds.clear();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private async encodeFrame(frame: VideoFrame, signal?: AbortSignal): Promise<BlockMeta> {
    this.assertOpen();
    if (signal?.aborted) throw abortError();
    const t0 = performance.now();
    const { embeds, layout } = await this.model.embedFrame(frame, this.still);
    const n = embeds.length / this.spec.hiddenSize;
    const plan = this.planSpace(n);
    const { cache: past, extent } = await this.context({ recent: plan.kept });
    if (signal?.aborted) throw abortError();
    const out = await this.model.decode({
      inputsEmbeds: embeds,
      positionIds: layout ? positionsAt(layout, extent) : positionRange(extent, n),
      past,
      lastLogitsOnly: true,
      withQueries: this.policy.tracksAttention && this.model.supportsQueries,
    });
    if (signal?.aborted) throw abortError();
    const ids = { id: this.nextBlockId, frameIndex: frame.index, timeSec: frame.timeSec };
    const block = blockFromCache(out.present, past.length, n, ids, this.spec, extent, layout);
    if (this.model.canReposition === false) this.frameEmbeds.set(block.id, embeds);
    if (out.queries) this.window.recordAttention(out.queries, n, plan.kept);
    this.commit(plan, block);
    this.encodeMs += performance.now() - t0;
    return block;
  }

  /** The window's plan for a new frame of n tokens, refused when it cannot make room. */
  private planSpace(n: number): SpacePlan {
    const plan = this.window.planSpace(n);
    if (plan.fits) return plan;
    const { maxContextTokens, answerReserveTokens } = this.budgets;
    const limit = maxContextTokens - answerReserveTokens;
    if (this.window.limits.maxBlocks === Infinity && plan.kept.length > 0)
      throw new StreamLimitError(
        `the '${this.policy.name}' policy keeps every frame, and frame ${this.framesEncoded + 1} would need ${plan.tokens} positions; ` +
          `the limit is ${limit} (maxContextTokens ${maxContextTokens} minus ${answerReserveTokens} reserved for the answer). Use the rekv policy for long streams.`,
      );
    throw new StreamLimitError(
      `one frame of ${n} tokens plus the sink does not fit in ${limit} positions`,
    );
  }

  /** The model call returned: evicted blocks are offloaded (or dropped), the new one joins. */
  private commit(plan: SpacePlan, block: KvBlock): void {
    for (const old of this.window.evict(plan)) {
      if (this.policy.evicted === 'store') this.store.put(old);
      else this.blocksDropped++;
      if (this.policy.evicted !== 'store') this.frameEmbeds.delete(old.id);
    }
    this.window.append(block);
    this.nextBlockId++;
    this.framesEncoded++;
    this.streamEndSec = Math.max(this.streamEndSec, block.timeSec);
  }

  /** Sink + retrieved + recent at contiguous positions: keys re-rotated, or prefilled again when the model's RoPE does not allow rotation. */
  private async context(options: {
    retrieved?: KvBlock[];
    recent?: KvBlock[];
  }): Promise<PositionedCache> {
    if (this.model.canReposition !== false) return this.window.assemble(options);
    return prefillAgain(this.window.order(options).spans, {
      spec: this.spec,
      embedsOf: (id) => this.frameEmbeds.get(id),
      decode: (step) => this.model.decode(step),
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the stream is closed');
  }

  private async answer(question: string, options: AskOptions): Promise<AskResult> {
    this.assertOpen();
    const check = () => {
      if (options.signal?.aborted) throw abortError();
    };
    check();
    const t0 = performance.now();
    const qEmbeds = await this.model.embedQuestion(question, this.still);
    const qLen = qEmbeds.length / this.spec.hiddenSize;
    const base = this.window.tokens;
    const free = this.budgets.maxContextTokens - base - qLen;
    if (free < 1)
      throw new StreamLimitError(
        `the question (${qLen} tokens) does not fit: the context already holds ${base} of ${this.budgets.maxContextTokens} positions`,
      );
    const maxTokens = Math.min(options.maxTokens ?? 128, free);
    check();
    const topK = this.policy.retrievedBlocks(this.budgets);
    const { evidence, blocks: retrieved } = await retrieveForContext(
      {
        question,
        questionEmbeds: qEmbeds,
        model: this.model,
        sinkContext: () => this.window.assemble({ recent: [] }),
        stored: topK > 0 ? this.store.metas() : [],
        inContext: this.window.recent,
        load: (id) => this.store.get(id),
        topK,
        tokenRoom: free - maxTokens,
        streamEndSec: this.streamEndSec,
        check,
      },
      this.retrieval,
    );
    const retrievalMs = performance.now() - t0;
    check();
    const context = {
      sinkTokens: this.window.sink!.tokenCount,
      retrieved: retrieved.map((b) => b.id),
      recent: this.window.recent.map((b) => b.id),
      questionTokens: qLen,
    };
    const started = performance.now();
    const answered: Answered = options.generator
      ? await answerElsewhere(options.generator, question, evidence, maxTokens, options)
      : await answerLocally(
          this.model,
          this.budgets.maxContextTokens,
          qEmbeds,
          await this.context({ retrieved }),
          maxTokens,
          options,
        );
    const end = performance.now();
    return {
      answer: answered.text.trim(),
      evidence,
      timings: {
        ttftMs: started - t0 + answered.ttftMs,
        tpotMs: answered.tpotMs,
        totalMs: end - t0,
        encodeMs: this.encodeMs,
        retrievalMs,
      },
      cache: this.stats(),
      context,
      // Only a local answer has logits to give.
      ...(options.generator ? {} : { logits: answered.logits }),
    };
  }
}
