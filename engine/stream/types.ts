// The stream's types: its budgets, what asking takes and returns, its statistics, the
// state a saved stream is reopened from, and the items a frame source yields. Kept apart
// so the stream's modules and its frame sources need not import each other for them.
import type { KvBlock } from '../cache/block';
import type { StoreStats } from '../cache/block-store';
import type { Evidence } from '../cache/retrieval';
import type { SamplingOptions } from '../model/sampling';
import type { VideoFrame } from './model-port';

/** A frame source item: a frame to encode, or a span of frames the gate skipped as unchanged. */
export type IngestItem = VideoFrame | { skipped: number; lastTimeSec?: number };

export interface StreamBudgets {
  /** Most tokens the prompt prefix (sink) may take. */
  sinkTokens: number;
  /** Blocks (frames) in the full-precision recent window. */
  recentBlocks: number;
  /** Blocks retrieved into an answer's context. */
  topK: number;
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

export interface AskResult {
  answer: string;
  evidence: Evidence[];
  timings: AskTimings;
  cache: StreamStats;
  /** Which blocks the answer's context held (time order). */
  context: { sinkTokens: number; retrieved: number[]; recent: number[]; questionTokens: number };
  logits?: Float32Array;
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

export interface EncodedState {
  sink: KvBlock;
  recent: KvBlock[];
  nextBlockId: number;
  framesEncoded: number;
  framesSkipped: number;
  streamEndSec: number;
}
