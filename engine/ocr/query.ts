// Finds the elements a query such as "where is the Save button" refers to: the query is
// reduced to its target text and an optional role, texts are scored by fuzzy similarity,
// and elements whose guessed role matches the asked role rank higher.
import type { Layout } from './layout';
import { guessRole } from './roles';
import type { ElementRole, QueryMatch, RgbImage } from './types';

export interface ParsedQuery {
  target: string;
  role?: ElementRole;
}

const ROLE_WORDS: [RegExp, ElementRole][] = [
  [/\b(drop-?downs?|combo ?box(es)?)\b/, 'dropdown'],
  [/\b(check ?box(es)?)\b/, 'checkbox'],
  [/\b(radio(?: buttons?)?)\b/, 'radio'],
  [/\b(toggles?|switch(es)?)\b/, 'toggle'],
  [/\b(menu ?items?|menu entry|menu entries|menus?|options?)\b/, 'menu item'],
  [/\b(buttons?|btn)\b/, 'button'],
  [/\b((?:input|text|search) ?(?:fields?|box(es)?)|fields?|inputs?|text ?box(es)?)\b/, 'field'],
  [/\b(icons?)\b/, 'icon'],
  [/\b(tabs?)\b/, 'tab'],
  [/\b(links?|hyperlinks?)\b/, 'link'],
];

const FILLER =
  /\b(where|what|which|is|are|the|a|an|find|locate|click|press|tap|on|of|in|show|me|i|can|how|do|to|please|there|text|label(?:led)?|called|named|says?|saying|with|screen|at)\b/g;

export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[‘’`´]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[‐-―−]/g, '-')
    .replace(/[^\p{L}\p{N}$@#%&+\-_./:'"~^]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The role word that ends last, the longest on a tie: English puts the kind of thing after
 * its name ("the Switch account button"), and "radio button" names one role, not two.
 */
function roleWord(lower: string): ElementRole | undefined {
  let best: { end: number; length: number; role: ElementRole } | undefined;
  for (const [pattern, role] of ROLE_WORDS)
    for (const m of lower.matchAll(new RegExp(pattern.source, 'g'))) {
      const end = m.index + m[0].length;
      if (!best || end > best.end || (end === best.end && m[0].length > best.length))
        best = { end, length: m[0].length, role };
    }
  return best?.role;
}

export function parseQuery(query: string): ParsedQuery {
  const quoted = /["'“‘]([^"'”’]+)["'”’]/.exec(query);
  const lower = query.toLowerCase();
  const role = roleWord(lower);
  if (quoted) return { target: normalizeText(quoted[1]), role };
  let target = lower;
  for (const [pattern] of ROLE_WORDS) target = target.replace(pattern, ' ');
  target = normalizeText(target.replace(/[?!.,]/g, ' ').replace(FILLER, ' '));
  // A query that was only filler ("where is the button") still searches its own words.
  return { target: target || normalizeText(query), role };
}

export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length];
}

/** 1 for the same text; a whole-word containment scores by how much of the text it covers; else edit similarity. */
export function textSimilarity(query: string, text: string): number {
  const q = normalizeText(query);
  const t = normalizeText(text);
  if (!q || !t) return 0;
  if (q === t) return 1;
  const similarity = 1 - levenshtein(q, t) / Math.max(q.length, t.length);
  if (` ${t} `.includes(` ${q} `)) return Math.max(similarity, 0.7 + 0.25 * (q.length / t.length));
  // Best window of the text as long as the query: a misread character inside a longer label.
  let partial = 0;
  if (t.length > q.length) {
    for (let s = 0; s + q.length <= t.length; s++)
      partial = Math.max(partial, 1 - levenshtein(q, t.slice(s, s + q.length)) / q.length);
    partial *= 0.6 + 0.3 * (q.length / t.length);
  }
  return Math.max(similarity, partial);
}

const ROLE_BONUS = 0.15;
const MIN_SCORE = 0.55;

/**
 * `roleOf` gives the role of an element that sits on a detected control (engine/screen/);
 * elements it leaves out get OCR's guess from the text's shape and surroundings.
 */
export function findMatches(
  layout: Layout,
  query: string,
  image?: RgbImage,
  limit = 5,
  roleOf?: (index: number) => ElementRole | undefined,
): QueryMatch[] {
  const parsed = parseQuery(query);
  const candidates: QueryMatch[] = [];
  layout.elements.forEach((element, index) => {
    const similarity = textSimilarity(parsed.target, element.text);
    if (similarity < MIN_SCORE - ROLE_BONUS) return;
    const role = roleOf?.(index) ?? guessRole(layout, element, image);
    const bonus = parsed.role
      ? role === parsed.role
        ? ROLE_BONUS
        : role === 'text'
          ? -0.05
          : 0
      : 0;
    candidates.push({
      element: index,
      line: element.line,
      text: element.text,
      box: element.box,
      score: similarity + bonus,
      role,
    });
  });
  // Multi-word targets may be split across elements of one line.
  if (parsed.target.includes(' '))
    for (const line of layout.lines) {
      if (line.elements.length < 2) continue;
      const similarity = textSimilarity(parsed.target, line.text);
      candidates.push({
        element: -1,
        line: line.id,
        text: line.text,
        box: line.box,
        score: similarity,
        role: 'text',
      });
    }
  return candidates
    .map((c) => ({ ...c, score: Math.max(0, Math.min(1, c.score)) }))
    .filter((c) => c.score >= MIN_SCORE)
    .sort((a, b) => b.score - a.score || layout.lines[a.line].id - layout.lines[b.line].id)
    .slice(0, limit);
}
