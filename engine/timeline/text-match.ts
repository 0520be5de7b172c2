// Fuzzy text comparison for OCR lines read from different frames: the same line can come
// back with a dropped character, a swapped letter or different spacing.
import { levenshtein, normalizeText } from '../ocr/query';

export const lineForm = (text: string): string =>
  normalizeText(text)
    .replace(/[^\p{L}\p{N}$#@%&*+=<>/\\:;.,'"()[\]{}!?_-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** 1 for the same line, down to 0 for unrelated ones (edit distance over the longer). */
export function lineSimilarity(a: string, b: string): number {
  const x = lineForm(a);
  const y = lineForm(b);
  if (!x || !y) return 0;
  if (x === y) return 1;
  return 1 - levenshtein(x, y) / Math.max(x.length, y.length);
}

/**
 * True when `longer` is `shorter` with text added at its end (typing), allowing an OCR
 * slip of one character in ten in the part they share.
 */
export function grewFrom(shorter: string, longer: string): boolean {
  return grewBy(shorter, longer) > 0;
}

/** How many characters `longer` added at the end of `shorter`; 0 when it did not grow from it. */
export function grewBy(shorter: string, longer: string): number {
  // Letters and digits only: a dot or a cursor read at the end is not typing.
  const a = lineForm(shorter).replace(/[^\p{L}\p{N}]/gu, '');
  const b = lineForm(longer).replace(/[^\p{L}\p{N}]/gu, '');
  if (!a || b.length <= a.length) return 0;
  const slack = Math.max(1, Math.floor(a.length / 8));
  return levenshtein(a, b.slice(0, a.length)) <= slack ? b.length - a.length : 0;
}
