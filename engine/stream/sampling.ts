// Choosing the next token from logits: greedy by default, or temperature / top-k / top-p
// sampling with a seeded generator so answers are reproducible.

export interface SamplingOptions {
  /** 0 (default) is greedy. */
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
}

export function createSampler(options: SamplingOptions = {}): (logits: Float32Array) => number {
  const temperature = options.temperature ?? 0;
  if (temperature < 0) throw new Error(`sampling.temperature must be >= 0, got ${temperature}`);
  let state = (options.seed ?? 1) >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  return (logits) => {
    if (temperature === 0) return argmax(logits);
    let ids = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a]);
    if (options.topK && options.topK > 0) ids = ids.slice(0, options.topK);
    const top = logits[ids[0]];
    let probs = ids.map((i) => Math.exp((logits[i] - top) / temperature));
    const sum = probs.reduce((a, b) => a + b, 0);
    probs = probs.map((p) => p / sum);
    if (options.topP && options.topP < 1) {
      let acc = 0;
      const keep = probs.findIndex((p) => (acc += p) >= options.topP!);
      ids = ids.slice(0, keep + 1);
      probs = probs.slice(0, keep + 1);
    }
    const total = probs.reduce((a, b) => a + b, 0);
    let r = random() * total;
    for (let i = 0; i < ids.length; i++) if ((r -= probs[i]) <= 0) return ids[i];
    return ids[ids.length - 1];
  };
}

export function argmax(x: Float32Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}
