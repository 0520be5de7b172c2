// The interface every retrieval scorer implements, and what retrieval returns.
import type { TextModelSpec } from '../../model/contract';
import type { BlockMeta } from '../block';

/** Question-side vectors for attention-based scoring, one entry per layer. */
export interface QuestionVectors {
  /** Mean pre-RoPE query per attention head, [numHeads * headDim] (decode withQueries). */
  queries?: Float32Array[];
  /** Mean pre-RoPE key per KV head of the question tokens, [numKvHeads * headDim]. */
  keys?: Float32Array[];
}

export interface ScoringRequest {
  question: string;
  vectors: QuestionVectors;
  /** Candidate blocks, in time order. */
  candidates: BlockMeta[];
  spec: TextModelSpec;
  /** How many blocks will be taken (uniform sampling spaces its picks by it). */
  topK: number;
  /** Time of the newest frame in the stream (resolves "at the end"). */
  streamEndSec: number;
}

/**
 * Which question-side vectors a scorer reads. The stream computes only these (one pass of
 * the question over the sink, none when nothing is needed).
 */
export interface VectorNeeds {
  /** QuestionVectors.queries: needs a model that returns pre-RoPE queries. */
  queries?: true;
  /** QuestionVectors.keys: any model can give these. */
  keys?: true;
}

export interface BlockScorer {
  readonly name: string;
  /** The question vectors score() reads; {} for none. */
  readonly needs: VectorNeeds;
  /** Scores instead when this scorer's vectors cannot be had (a model without query outputs). */
  readonly fallback?: BlockScorer;
  /** One score per candidate, same order; higher is better. Zeros mean "no opinion". */
  score(request: ScoringRequest): Float32Array | Promise<Float32Array>;
}

/** One retrieved block, with why it was chosen. */
export interface Evidence {
  blockId: number;
  frameIndex: number;
  timeSec: number;
  /** 0-1: the scorers' weighted sum over the weights of those that scored anything. */
  score: number;
  /** Each scorer's contribution, by scorer name. */
  scores: Record<string, number>;
  /** Set when the text match or the time hint weighed more than the attention score. */
  signal?: 'text' | 'time';
  text?: string;
  /** The frame stayed unchanged on screen until this time. */
  untilSec?: number;
}
