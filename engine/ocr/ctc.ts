// Greedy CTC decoding of the recognizer's per-timestep class probabilities.

export interface DecodedText {
  text: string;
  /** Mean probability of the characters kept; 0 when none were. */
  confidence: number;
}

/**
 * Decodes one sequence: argmax per timestep, repeated classes collapsed, blanks (class 0)
 * dropped. `probs` holds `steps` rows of `classes` probabilities starting at `offset`.
 */
export function ctcGreedyDecode(
  probs: Float32Array,
  offset: number,
  steps: number,
  classes: number,
  characters: string[],
): DecodedText {
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const row = offset + t * classes;
    let best = 0;
    let bestProb = probs[row];
    for (let k = 1; k < classes; k++) {
      const p = probs[row + k];
      if (p > bestProb) {
        bestProb = p;
        best = k;
      }
    }
    if (best !== 0 && best !== previous) {
      text += characters[best] ?? '';
      sum += bestProb;
      kept++;
    }
    previous = best;
  }
  return { text, confidence: kept ? sum / kept : 0 };
}
