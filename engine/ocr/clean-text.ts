// Clean-up of a recognizer reading: look-alike characters from its Chinese alphabet mapped
// back to the symbols screens show, icons it named dropped, and letters it confuses in
// screen fonts.

/**
 * The recognizer's alphabet is Chinese plus ASCII, so screen text sometimes comes back
 * with full-width punctuation (NFKC folds it to ASCII) or, for a lone symbol, a CJK
 * look-alike.
 */
const LOOKALIKES: Record<string, string> = { 十: '+', 一: '-', 丨: '|', 口: '□' };

/**
 * A lone CJK character beside Latin text on a screen is a symbol (mapped back when it is a
 * known look-alike) or an icon the recognizer named (dropped).
 */
const LONE_CJK_BEFORE_LATIN = /^([\u3400-\u9fff])\s+(?=[\x20-\x7e]+$)/;
const LONE_CJK_AFTER_LATIN = /(?<=^[\x20-\x7e]+)\s+([\u3400-\u9fff])$/;
/** A look-alike read glued to the Latin text after it (`十Add new`, the space lost). */
const GLUED_LOOKALIKE = /^([\u3400-\u9fff])(?=[\x21-\x7e][\x20-\x7e]*$)/;

/**
 * A lowercase `l` read among capitals, with no other lowercase letter in the word, is a
 * capital `I`: sans-serif screen fonts draw the two alike, and such words are acronyms
 * (`Ul` for `UI`, `APl`, `CLl`). `Al` stays: it is a name as often as `AI`.
 */
const ACRONYM_L = /\b(?!Al\b)([A-Z]+)l([A-Z]*)\b/g;

export function cleanText(text: string): string {
  const folded = text.normalize('NFKC').trim();
  return (LOOKALIKES[folded] ?? folded)
    .replace(ACRONYM_L, '$1I$2')
    .replace(LONE_CJK_BEFORE_LATIN, (_, c: string) => (LOOKALIKES[c] ? `${LOOKALIKES[c]} ` : ''))
    .replace(LONE_CJK_AFTER_LATIN, (_, c: string) => (LOOKALIKES[c] ? ` ${LOOKALIKES[c]}` : ''))
    .replace(GLUED_LOOKALIKE, (c: string) => LOOKALIKES[c] ?? c);
}
