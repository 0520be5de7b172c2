// The part of a stream's KV kept at full precision: the attention sink (the prompt prefix)
// and the recent blocks new frames attend to. Its verbs follow streaming-llm's
// StartRecentKVCache (evict_for_space before new tokens come in) and llama.cpp's KV API
// (remove a sequence's cells, shift their positions):
//   planSpace / evict   which blocks leave so `incoming` tokens fit; evict returns them so
//                       the caller offloads (ReKV) or drops (StreamingLLM) them
//   append              the new block joins the window
//   assemble            sink + retrieved blocks (time order) + recent as one cache at
//                       contiguous positions 0.., each block's keys re-rotated from the
//                       positions they were computed at to the ones they now take
// Planning is separate from evicting so a caller can run a model call on the planned
// context and change nothing when that call fails or is cancelled.
import type { TextModelSpec } from '../model/contract';
import {
  assembleCache,
  meanOverTokens,
  spansExtent,
  type KvBlock,
  type PositionedCache,
} from './block';

export interface KvWindowLimits {
  /** Most recent blocks kept; Infinity keeps every block and never evicts. */
  maxBlocks: number;
  /** Most positions the sink, the recent blocks and incoming tokens may take together. */
  maxTokens: number;
  /** Index (in time order) of the block to evict next; default the oldest. */
  chooseEviction?(recent: KvBlock[], attention: Map<number, number>): number;
}

/** What making room for `incoming` tokens would do; nothing has changed yet. */
export interface SpacePlan {
  incoming: number;
  /** Recent blocks that stay, in time order. */
  kept: KvBlock[];
  /** Blocks that leave, in the order they were chosen. */
  evicted: KvBlock[];
  /** Cache index of the first incoming token: the sink's and the kept blocks' tokens. */
  start: number;
  /** Its position: the positions the sink and the kept blocks take (= start for 1-D RoPE). */
  position: number;
  /** Positions in use once the incoming tokens are in: start + incoming. */
  tokens: number;
  /** tokens <= maxTokens. False when evicting cannot make room (an unbounded window never evicts). */
  fits: boolean;
}

export interface AssembledContext extends PositionedCache {
  /** The retrieved blocks in the order placed (time order). */
  retrieved: KvBlock[];
  /** The recent blocks placed after them. */
  recent: KvBlock[];
}

export class KvWindow {
  private sinkBlock: KvBlock | undefined;
  private blocks: KvBlock[] = [];
  /** H2O-like bookkeeping: attention each recent block received from later frames. */
  private readonly attention = new Map<number, number>();

  constructor(
    readonly spec: TextModelSpec,
    readonly limits: KvWindowLimits,
  ) {
    if (!(limits.maxBlocks >= 1))
      throw new Error(`the window must keep at least 1 block, got ${limits.maxBlocks}`);
  }

  get sink(): KvBlock | undefined {
    return this.sinkBlock;
  }

  setSink(sink: KvBlock): void {
    this.sinkBlock = sink;
  }

  /** The recent blocks, in time order. */
  get recent(): readonly KvBlock[] {
    return this.blocks;
  }

  get newest(): KvBlock | undefined {
    return this.blocks.at(-1);
  }

  /** Tokens the sink and the recent blocks hold (at least the positions they take). */
  get tokens(): number {
    return (this.sinkBlock?.tokenCount ?? 0) + tokenCount(this.blocks);
  }

  /** Positions the sink and the recent blocks take (fewer than tokens where images use M-RoPE). */
  get positions(): number {
    return spansExtent([...(this.sinkBlock ? [this.sinkBlock] : []), ...this.blocks]);
  }

  /** Puts back a saved window (a reopened stream). */
  restore(sink: KvBlock, recent: KvBlock[]): void {
    this.sinkBlock = sink;
    this.blocks = [...recent];
    this.attention.clear();
  }

  /** Forgets the recent blocks (the stream closed); the sink stays for its timeline. */
  clear(): void {
    this.blocks = [];
    this.attention.clear();
  }

  /** Which blocks would leave so that `incoming` more tokens fit, by count and by positions. */
  planSpace(incoming: number): SpacePlan {
    const { maxBlocks, maxTokens } = this.limits;
    const kept = [...this.blocks];
    const evicted: KvBlock[] = [];
    const sink = this.sinkBlock?.tokenCount ?? 0;
    let start = sink + tokenCount(kept);
    if (maxBlocks !== Infinity)
      while (kept.length > 0 && (kept.length >= maxBlocks || start + incoming > maxTokens)) {
        const i = this.limits.chooseEviction?.(kept, this.attention) ?? 0;
        const [gone] = kept.splice(i, 1);
        evicted.push(gone);
        start -= gone.tokenCount;
      }
    const tokens = start + incoming;
    const position = spansExtent([...(this.sinkBlock ? [this.sinkBlock] : []), ...kept]);
    return { incoming, kept, evicted, start, position, tokens, fits: tokens <= maxTokens };
  }

  /** Applies a plan made on the current window; returns the evicted blocks (to offload or drop). */
  evict(plan: SpacePlan): KvBlock[] {
    const current =
      plan.kept.length + plan.evicted.length === this.blocks.length &&
      [...plan.kept, ...plan.evicted].every((b) => this.blocks.includes(b));
    if (!current) throw new Error('evict: the plan was made on an earlier window');
    const gone = new Set(plan.evicted);
    this.blocks = this.blocks.filter((b) => !gone.has(b));
    for (const b of plan.evicted) this.attention.delete(b.id);
    return [...plan.evicted];
  }

  /** Makes room for `incoming` tokens now; returns the evicted blocks. */
  evictForSpace(incoming: number): KvBlock[] {
    return this.evict(this.planSpace(incoming));
  }

  /** Adds the newest block; room must have been made for it. */
  append(block: KvBlock): void {
    if (this.blocks.length >= this.limits.maxBlocks)
      throw new Error(
        `append: the window already holds ${this.blocks.length} blocks (at most ${this.limits.maxBlocks}); evict for space first`,
      );
    if (this.tokens + block.tokenCount > this.limits.maxTokens)
      throw new Error(
        `append: ${this.tokens} + ${block.tokenCount} tokens exceed ${this.limits.maxTokens} positions; evict for space first`,
      );
    this.blocks.push(block);
  }

  /**
   * Sink, then `retrieved` in time order, then `recent` (default: the window's), as one cache
   * at contiguous positions; keys are re-rotated by the difference between each block's
   * keyPosition and where it now starts.
   */
  assemble(
    options: { retrieved?: readonly KvBlock[]; recent?: readonly KvBlock[] } = {},
  ): AssembledContext {
    const { spans, retrieved, recent } = this.order(options);
    return {
      cache: assembleCache(spans, this.spec),
      extent: spansExtent(spans),
      retrieved,
      recent,
    };
  }

  /** The blocks assemble() places, in order (sink, retrieved in time order, recent), unassembled. */
  order(options: { retrieved?: readonly KvBlock[]; recent?: readonly KvBlock[] } = {}) {
    const retrieved = inTimeOrder(options.retrieved ?? []);
    const recent = [...(options.recent ?? this.blocks)];
    const sink = this.sinkBlock ? [this.sinkBlock] : [];
    return { spans: [...sink, ...retrieved, ...recent], retrieved, recent };
  }

  /** Adds how much `n` new tokens' queries attend each of `attended` (for chooseEviction). */
  recordAttention(queries: Float32Array[], n: number, attended: readonly KvBlock[]): void {
    // Layer by layer, so the sums round the same whichever way they are read back.
    for (const shares of attentionShares(queries, n, attended, this.spec))
      attended.forEach((b, i) => this.attention.set(b.id, this.attentionOf(b.id) + shares[i]));
  }

  /** Attention a recent block has received so far (0 when none was recorded). */
  attentionOf(blockId: number): number {
    return this.attention.get(blockId) ?? 0;
  }
}

/**
 * Per layer, per block: the softmax share of attention from the tokens' mean query, each
 * head against its KV group's block representative.
 */
export function attentionShares(
  queries: Float32Array[],
  n: number,
  blocks: readonly KvBlock[],
  spec: TextModelSpec,
): number[][] {
  if (blocks.length === 0) return [];
  const { numHeads, numKvHeads, headDim } = spec;
  const group = numHeads / numKvHeads;
  return queries.map((q, layer) => {
    const mean = meanOverTokens(q, numHeads, n, headDim);
    const logits = blocks.map((b) => {
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
    return weights.map((w) => w / sum);
  });
}

/** A sorted copy: by time, then by id (blocks of one timestamp in the order they came). */
export function inTimeOrder<T extends { timeSec: number; id: number }>(blocks: readonly T[]): T[] {
  return [...blocks].sort((a, b) => a.timeSec - b.timeSec || a.id - b.id);
}

function tokenCount(blocks: readonly KvBlock[]): number {
  return blocks.reduce((n, b) => n + b.tokenCount, 0);
}
