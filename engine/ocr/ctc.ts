// Greedy CTC decoding of the recognizer's per-timestep class probabilities.

export interface DecodedText {
  text: string;
  /** Mean probability of the characters kept; 0 when none were. */
  confidence: number;
  /**
   * Where each character of `text` was read, and its probability. `at` is the timestep's
   * centre as a fraction of the input width here; recognition.ts turns it into an image x,
   * so a caller can split one reading by position.
   */
  characters?: { at: number; p: number }[];
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
  alphabet: string[],
): DecodedText {
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  const characters: { at: number; p: number }[] = [];
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
      const character = alphabet[best] ?? '';
      text += character;
      // One entry per code point, as `[...text]` iterates.
      for (const _ of character) characters.push({ at: (t + 0.5) / steps, p: bestProb });
      sum += bestProb;
      kept++;
    }
    previous = best;
  }
  return { text, confidence: kept ? sum / kept : 0, characters };
}
