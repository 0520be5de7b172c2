// Choosing the next token from logits: greedy, or sampling with the Hugging Face
// logits-processor order (repetition penalty, temperature, top-k, top-p). A seeded
// generator makes sampling reproducible in tests.
import { createRng } from '../util/random';

export { createRng };

export interface SamplingOptions {
  /** 0 or undefined: greedy (argmax). */
  temperature?: number;
  /** Keep only the k most likely tokens (0 or undefined: no limit). */
  topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p (1 or undefined: all). */
  topP?: number;
  /** > 1 discourages tokens already in the context (1 or undefined: off). */
  repetitionPenalty?: number;
  /** Seed for the sampling random numbers; the same seed gives the same tokens. */
  seed?: number;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** In place, as transformers' RepetitionPenaltyLogitsProcessor: divide positive logits, multiply negative. */
export function applyRepetitionPenalty(
  logits: Float32Array,
  previousIds: Iterable<number>,
  penalty: number,
): void {
  if (penalty === 1) return;
  for (const id of new Set(previousIds)) {
    if (id < 0 || id >= logits.length) continue;
    logits[id] = logits[id] < 0 ? logits[id] * penalty : logits[id] / penalty;
  }
}

const NEGLIGIBLE = 40;

/** Candidate token ids and their probabilities after temperature, top-k and top-p. */
export function candidateDistribution(
  logits: Float32Array,
  options: Pick<SamplingOptions, 'temperature' | 'topK' | 'topP'>,
): { ids: number[]; probs: number[] } {
  const temperature = options.temperature ?? 1;
  // Tokens more than NEGLIGIBLE below the best have probability < e^-40 each: leaving them
  // out changes nothing measurable and spares sorting the whole vocabulary every step.
  let best = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > best) best = logits[i];
  const floor = best - NEGLIGIBLE * temperature;
  const order: number[] = [];
  for (let i = 0; i < logits.length; i++) if (logits[i] >= floor) order.push(i);
  order.sort((a, b) => logits[b] - logits[a]);
  const k = options.topK && options.topK > 0 ? Math.min(options.topK, order.length) : order.length;
  const kept = order.slice(0, k);
  const max = logits[kept[0]] / temperature;
  const weights = kept.map((id) => Math.exp(logits[id] / temperature - max));
  const total = weights.reduce((a, b) => a + b, 0);
  let probs = weights.map((w) => w / total);
  let ids = kept;
  const topP = options.topP ?? 1;
  if (topP < 1) {
    // Keep tokens until the cumulative probability reaches topP; the most likely always stays.
    let cumulative = 0;
    let cut = 0;
    while (cut < probs.length && (cut === 0 || cumulative < topP)) cumulative += probs[cut++];
    ids = ids.slice(0, cut);
    const kept = probs.slice(0, cut);
    const sum = kept.reduce((a, b) => a + b, 0);
    probs = kept.map((p) => p / sum);
  }
  return { ids, probs };
}

/**
 * Picks the next token. `logits` is not modified. `previousIds` (the prompt and the
 * tokens so far) feed the repetition penalty.
 */
export function selectToken(
  logits: Float32Array,
  options: SamplingOptions,
  rng: () => number,
  previousIds: readonly number[] = [],
): number {
  const penalty = options.repetitionPenalty ?? 1;
  const scores = penalty === 1 ? logits : Float32Array.from(logits);
  applyRepetitionPenalty(scores, previousIds, penalty);
  if (!options.temperature || options.temperature <= 0) return argmax(scores);
  const { ids, probs } = candidateDistribution(scores, options);
  let r = rng();
  for (let i = 0; i < ids.length; i++) {
    r -= probs[i];
    if (r < 0) return ids[i];
  }
  return ids[ids.length - 1];
}
