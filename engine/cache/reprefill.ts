// Building a context without moving keys by rotation, for models whose RoPE the rotation
// maths does not fit (engine/model/rope-check.ts turns re-positioning off for them). Spans
// already at the positions they were computed at are kept as they are (the sink always
// is); from the first span that moved, each span whose input embeddings are at hand is run
// through the decoder again at its new position. A span without them (a block of a stream
// reopened from disk) is rotated as before: approximate for such a model, but usable.
import type { DecoderOutput, DecoderStep, KvCache, TextModelSpec } from '../model/contract';
import { assembleCache, type KvSpan } from './block';

export interface PrefillSpan extends KvSpan {
  id: number;
}

export interface PrefillAgain {
  spec: TextModelSpec;
  /** The [tokenCount, hidden] embeddings a span was encoded from, when kept. */
  embedsOf(id: number): Float32Array | undefined;
  decode(step: DecoderStep): Promise<DecoderOutput>;
}

/** The cache as one span at positions 0.., so assembleCache can append to it. */
const asSpan = (cache: KvCache): KvSpan => ({
  kv: cache.layers,
  tokenCount: cache.length,
  keyPosition: 0,
});

/** Spans at contiguous positions 0.., moved spans prefilled again where their embeddings are kept. */
export async function prefillAgain(
  spans: readonly PrefillSpan[],
  model: PrefillAgain,
): Promise<KvCache> {
  let at = 0;
  let kept = 0;
  while (kept < spans.length && spans[kept].keyPosition === at) at += spans[kept++].tokenCount;
  let cache = assembleCache(spans.slice(0, kept), model.spec);
  for (const span of spans.slice(kept)) {
    const embeds = model.embedsOf(span.id);
    if (!embeds) {
      cache = assembleCache([asSpan(cache), span], model.spec);
      continue;
    }
    const out = await model.decode({
      inputsEmbeds: embeds,
      positionIds: Array.from({ length: span.tokenCount }, (_, i) => cache.length + i),
      past: cache,
      lastLogitsOnly: true,
    });
    cache = out.present;
  }
  return cache;
}
