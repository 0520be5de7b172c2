// An in-memory index of the text seen on each frame (from OCR), searchable by a question:
// the simplest TextEvidenceSource. Terms are weighted by rarity across frames (a word on
// every frame, like a window title, says little about when something happened), and a
// quoted phrase in the question that appears verbatim on a frame counts fully.
import type { TextEvidenceSource, TextHit } from './text-evidence';

const STOPWORDS = new Set(
  'a an and are at be by did do does for from how in is it of on or the this that to was were what when where which who why with'.split(
    ' ',
  ),
);

export function terms(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}_$./-]{2,}/gu) ?? [])
    .map((t) => t.replace(/^[./-]+|[./-]+$/g, ''))
    .filter((t) => t.length >= 2 && !STOPWORDS.has(t));
}

interface FrameText {
  frameIndex: number;
  timeSec: number;
  text: string;
  terms: Set<string>;
}

/** The lines of a frame's text (OCR lines are joined with " | ") that hold the matches, best first. */
function matchingLines(text: string, wanted: string[], phrases: string[]): string {
  const lines = text.split(/\s*\|\s*|\n/).filter(Boolean);
  const scored = lines
    .map((line) => {
      const lower = line.toLowerCase();
      const lineTerms = new Set(terms(line));
      const phrase = phrases.some((p) => lower.includes(p)) ? 10 : 0;
      return { line, matches: wanted.filter((t) => lineTerms.has(t)).length + phrase };
    })
    .filter((l) => l.matches > 0)
    .sort((a, b) => b.matches - a.matches);
  return scored.length
    ? scored
        .slice(0, 3)
        .map((l) => l.line)
        .join(' | ')
    : text;
}

export class FrameTextIndex implements TextEvidenceSource {
  private readonly frames: FrameText[] = [];
  private readonly documentFrequency = new Map<string, number>();

  add(frameIndex: number, timeSec: number, text: string): void {
    const unique = new Set(terms(text));
    if (unique.size === 0) return;
    this.frames.push({ frameIndex, timeSec, text, terms: unique });
    for (const t of unique) this.documentFrequency.set(t, (this.documentFrequency.get(t) ?? 0) + 1);
  }

  get size(): number {
    return this.frames.length;
  }

  search(query: string): TextHit[] {
    const wanted = [...new Set(terms(query))];
    const phrases = [...query.matchAll(/["'“‘]([^"'”’]{3,})["'”’]/g)].map((m) =>
      m[1].toLowerCase(),
    );
    if (wanted.length === 0 && phrases.length === 0) return [];
    const n = this.frames.length;
    const weight = (t: string) => Math.log(1 + n / (1 + (this.documentFrequency.get(t) ?? 0)));
    const total = wanted.reduce((s, t) => s + weight(t), 0);
    const hits: TextHit[] = [];
    for (const f of this.frames) {
      let score = 0;
      for (const t of wanted) if (f.terms.has(t)) score += weight(t);
      score = total > 0 ? score / total : 0;
      if (phrases.some((p) => f.text.toLowerCase().includes(p))) score = 1;
      if (score > 0)
        hits.push({
          frameIndex: f.frameIndex,
          timeSec: f.timeSec,
          text: matchingLines(f.text, wanted, phrases),
          score,
        });
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, 50);
  }
}
