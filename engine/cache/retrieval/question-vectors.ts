// The question-side vectors attention scorers compare blocks against, from one pass of the
// question over the sink. What is computed follows the scorer's declared needs; when the
// model cannot give them (no query outputs), its fallback's needs are met instead, from the
// same pass. A scorer that needs nothing costs no model call.
import type { DecoderOutput, DecoderStep, TextModelSpec } from '../../model/contract';
import { positionRange } from '../../model/positions';
import { meanOverTokens, sliceCache, type PositionedCache } from '../block';
import { unrotateKeys } from '../rope';
import type { BlockScorer, QuestionVectors } from './types';

/** What computing question vectors needs from the model. */
export interface QuestionPass {
  readonly spec: TextModelSpec;
  /** Whether decode() can return pre-RoPE queries (withQueries). */
  readonly supportsQueries: boolean;
  decode(step: DecoderStep): Promise<DecoderOutput>;
}

/** The scorer, then its fallback, then that one's fallback, ... */
function fallbacks(scorer: BlockScorer): BlockScorer[] {
  const out: BlockScorer[] = [];
  for (let s: BlockScorer | undefined = scorer; s && !out.includes(s); s = s.fallback) out.push(s);
  return out;
}

/** The first of scorer, its fallback, ... whose needs `have` meets; null when none. */
export function usableScorer(
  scorer: BlockScorer,
  have: { queries?: unknown; keys?: unknown },
): BlockScorer | null {
  const meets = (s: BlockScorer) =>
    (!s.needs.queries || !!have.queries) && (!s.needs.keys || !!have.keys);
  return fallbacks(scorer).find(meets) ?? null;
}

/**
 * The question's mean pre-RoPE queries (per attention head) or keys (per KV head), per
 * layer, as the scorer (or the fallback the model can feed) needs them. `context` gives
 * the cache the question runs over (the sink, from position 0) and the positions it takes;
 * it is only built when a pass runs.
 */
export async function questionVectors(
  scorer: BlockScorer,
  model: QuestionPass,
  context: () => PositionedCache,
  question: Float32Array,
): Promise<QuestionVectors> {
  if (!scorer.needs.queries && !scorer.needs.keys) return {};
  const { cache: past, extent } = context();
  const { spec } = model;
  const { numHeads, numKvHeads, headDim } = spec;
  const n = question.length / spec.hiddenSize;
  const out = await model.decode({
    inputsEmbeds: question,
    positionIds: positionRange(extent, n),
    past,
    lastLogitsOnly: true,
    withQueries: model.supportsQueries && fallbacks(scorer).some((s) => s.needs.queries),
  });
  const usable = usableScorer(scorer, { queries: out.queries, keys: true });
  if (!usable)
    throw new Error(`the ${scorer.name} scorer needs question queries, and the model gives none`);
  const vectors: QuestionVectors = {};
  if (usable.needs.queries)
    vectors.queries = out.queries!.map((q) => meanOverTokens(q, numHeads, n, headDim));
  if (usable.needs.keys)
    vectors.keys = sliceCache(out.present, past.length, n, spec).map((layer) =>
      meanOverTokens(
        unrotateKeys(layer.key, numKvHeads, n, headDim, spec.rope, extent),
        numKvHeads,
        n,
        headDim,
      ),
    );
  return vectors;
}
