// Retrieval for one question: the question vectors the scorer declares it needs, every
// candidate scored, then the offloaded blocks to bring back into the answer's context:
// best first, at most topK, while they fit in the positions left. Blocks already in the
// context (the recent window) are candidates too, so they show up as evidence, but they
// are never brought back twice.
import type { BlockMeta, KvBlock, PositionedCache } from '../block';
import { inTimeOrder } from '../kv-window';
import { questionVectors, type QuestionPass } from './question-vectors';
import { rankBlocks, scorerByName, type RetrievalOptions } from './index';
import type { Evidence } from './types';

export interface RetrievalRequest {
  question: string;
  /** [n, hiddenSize] question embeddings, for the scorer's question vectors. */
  questionEmbeds: Float32Array;
  model: QuestionPass;
  /** The cache question vectors run over (the sink); built only when a scorer needs it. */
  sinkContext: () => PositionedCache;
  /** Offloaded blocks that may come back, in time order. */
  stored: BlockMeta[];
  /** Blocks already in the context (the recent window), in time order. */
  inContext: readonly BlockMeta[];
  /** An offloaded block's KV; null when it cannot be read back. */
  load(id: number): KvBlock | null;
  topK: number;
  /** Positions the blocks brought back may take together. */
  tokenRoom: number;
  streamEndSec: number;
  /** Runs after the model call, before scoring: throws to cancel. */
  check?: () => void;
}

export interface Retrieved {
  /** The blocks in the answer's context (brought back or already there), best first. */
  evidence: Evidence[];
  /** The offloaded blocks brought back, in time order. */
  blocks: KvBlock[];
}

export async function retrieveForContext(
  request: RetrievalRequest,
  options: RetrievalOptions,
): Promise<Retrieved> {
  const { stored, inContext, topK } = request;
  const candidates: BlockMeta[] = [...stored, ...inContext];
  if (candidates.length === 0) return { evidence: [], blocks: [] };
  const scorer = scorerByName(options.primary);
  const vectors = await questionVectors(
    scorer,
    request.model,
    request.sinkContext,
    request.questionEmbeds,
  );
  request.check?.();
  const ranked = await rankBlocks(
    {
      question: request.question,
      vectors,
      candidates,
      spec: request.model.spec,
      topK,
      streamEndSec: request.streamEndSec,
    },
    options,
  );
  const present = new Set(inContext.map((b) => b.id));
  const storedById = new Map(stored.map((m) => [m.id, m]));
  const blocks: KvBlock[] = [];
  let room = request.tokenRoom;
  for (const e of ranked) {
    if (blocks.length >= topK) break;
    if (present.has(e.blockId) || storedById.get(e.blockId)!.tokenCount > room) continue;
    const block = request.load(e.blockId);
    if (!block) continue;
    blocks.push(block);
    room -= block.tokenCount;
  }
  const held = new Set([...blocks.map((b) => b.id), ...present]);
  return { evidence: ranked.filter((e) => held.has(e.blockId)), blocks: inTimeOrder(blocks) };
}
