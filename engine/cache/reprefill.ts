// Building a context without moving keys by rotation, for models whose RoPE the rotation
// maths does not fit (engine/model/rope-check.ts turns re-positioning off for them). Spans
// already at the positions they were computed at are kept as they are (the sink always
// is); from the first span that moved, each span whose input embeddings are at hand is run
// through the decoder again at its new position. A span without them (a block of a stream
// reopened from disk) is rotated as before: approximate for such a model, but usable.
import type { DecoderOutput, DecoderStep, KvCache, TextModelSpec } from '../model/contract';
import { extentOf, positionRange, positionsAt } from '../model/positions';
import { assembleCache, type KvSpan, type PositionedCache } from './block';

export interface PrefillSpan extends KvSpan {
  id: number;
}

export interface PrefillAgain {
  spec: TextModelSpec;
  /** The [tokenCount, hidden] embeddings a span was encoded from, when kept. */
  embedsOf(id: number): Float32Array | undefined;
  decode(step: DecoderStep): Promise<DecoderOutput>;
}

/**
 * The cache built so far as one span at position 0, taking `extent` positions, so
 * assembleCache can append to it. It is never moved, so its layout only states the extent.
 */
const asSpan = (cache: KvCache, extent: number): KvSpan => ({
  kv: cache.layers,
  tokenCount: cache.length,
  keyPosition: 0,
  layout: { offsets: new Int32Array(3 * cache.length), tokens: cache.length, extent },
});

/** Spans one after another from position 0, moved spans prefilled again where their embeddings are kept. */
export async function prefillAgain(
  spans: readonly PrefillSpan[],
  model: PrefillAgain,
): Promise<PositionedCache> {
  let position = 0;
  let kept = 0;
  while (kept < spans.length && spans[kept].keyPosition === position)
    position += extentOf(spans[kept++]);
  let cache = assembleCache(spans.slice(0, kept), model.spec);
  for (const span of spans.slice(kept)) {
    const embeds = model.embedsOf(span.id);
    if (embeds) {
      const out = await model.decode({
        inputsEmbeds: embeds,
        positionIds: span.layout
          ? positionsAt(span.layout, position)
          : positionRange(position, span.tokenCount),
        past: cache,
        lastLogitsOnly: true,
      });
      cache = out.present;
    } else cache = assembleCache([asSpan(cache, position), span], model.spec);
    position += extentOf(span);
  }
  return { cache, extent: position };
}
