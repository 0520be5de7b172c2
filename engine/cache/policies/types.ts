// What a cache policy decides: how many blocks the encode window keeps, what happens to a
// block leaving it, which window block leaves, and whether answers retrieve older blocks.
import type { BlockMeta } from '../block';

export const POLICY_NAMES = ['rekv', 'streaming-llm', 'full', 'h2o'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export interface PolicyBudgets {
  recentBlocks: number;
  topK: number;
}

export interface CachePolicy {
  readonly name: PolicyName;
  readonly description: string;
  /** Blocks kept at full precision in the window new frames attend to; Infinity keeps all. */
  windowBlocks(budgets: PolicyBudgets): number;
  /** A block leaving the window is kept for retrieval ('store') or forgotten ('drop'). */
  readonly evicted: 'store' | 'drop';
  /** How many stored blocks an answer retrieves. */
  retrievedBlocks(budgets: PolicyBudgets): number;
  /** Index in `window` (time order) of the block to evict; default: the oldest. */
  chooseEviction?(window: BlockMeta[], attention: Map<number, number>): number;
  /** Whether encoding should collect per-block attention scores (for chooseEviction). */
  readonly tracksAttention?: boolean;
}
