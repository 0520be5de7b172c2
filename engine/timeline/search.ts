// Timeline retrieval: a question's words are matched (BM25, tolerant of OCR slips) against
// the text of every track, typed event and UI event, and its intent ("appear", "typed",
// "error", "cut", "the menu") favours the kind of moment it asks about. Each hit is the
// moment the thing started, with the reason it was chosen.
import { formatTime } from '../util/time-format';
import { levenshtein } from '../ocr/query';
import { searchScore } from '../ocr/text-index';
import { screenLines } from './lines';
import { lineSimilarity } from './text-match';
import {
  questionIntent,
  quotedPhrases,
  QUESTION_WORDS,
  type Intent,
  type QuestionIntent,
} from './intent';
import type { Timeline, UiEvent } from './types';

export interface TimelineHit {
  timeSec: number;
  frameIndex: number;
  /** 0 to about 1.5: text match plus intent. */
  score: number;
  kind: 'text' | 'typed' | 'ui' | 'cut';
  /** "a notification appeared at 0:03 with 'Hello World!'" */
  reason: string;
  text?: string;
}

interface Doc {
  hit: Omit<TimelineHit, 'score'>;
  tokens: string[];
  /** Intent and element match, 0-1, for this question. */
  intentScore: (intent: QuestionIntent) => number;
  /** The score when no word of the question is in it: only the moment's kind answers. */
  alone: (intent: QuestionIntent) => number;
  /** Matched by a quoted phrase only, and left out of the word statistics. */
  phraseOnly?: boolean;
}

const K1 = 1.2;
const B = 0.75;
const MIN_SCORE = 0.25;
const REPEAT_FACTOR = 0.7;
/** A quoted phrase found at least this well in a text counts as shown there. */
const PHRASE_MIN = 0.8;

export const tokensOf = (text: string): string[] =>
  text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** The timeline's moments that answer a question, best first (earlier first on ties). */
export function searchTimeline(timeline: Timeline, question: string, limit = 10): TimelineHit[] {
  const intent = questionIntent(question);
  const docs = documents(timeline);
  const terms = [...new Set(tokensOf(question).filter((t) => !QUESTION_WORDS.has(t)))];
  const phrases = quotedPhrases(question);
  const textScores = bm25(docs, terms);
  const hits = docs.map((doc, i) => {
    const phrase = Math.max(0, ...phrases.map((p) => searchScore(p, doc.hit.text ?? '')));
    const text = Math.max(textScores[i]!, phrase >= PHRASE_MIN ? phrase : 0);
    return {
      ...doc.hit,
      score: round(text > 0 ? text + 0.4 * doc.intentScore(intent) : doc.alone(intent)),
    };
  });
  return firstAppearances(hits)
    .filter((h) => h.score >= MIN_SCORE)
    .sort((a, b) => bucket(b.score) - bucket(a.score) || a.timeSec - b.timeSec)
    .slice(0, limit);
}

/**
 * A when-question asks for the first time a text showed: a later track, typed line or
 * event with the same text (the line came back, or was read again after a scroll) keeps
 * only part of its score.
 */
function firstAppearances(hits: TimelineHit[]): TimelineHit[] {
  const seen: string[] = [];
  return [...hits]
    .sort((a, b) => a.timeSec - b.timeSec)
    .map((h) => {
      if (!h.text) return h;
      const again = seen.some((text) => lineSimilarity(text, h.text!) >= 0.8);
      seen.push(h.text);
      return again ? { ...h, score: round(h.score * REPEAT_FACTOR) } : h;
    });
}

/** Scores within 0.05 of each other tie, so the earliest of near-equal readings wins. */
const bucket = (score: number) => Math.round(score * 20);
const round = (x: number) => Math.round(x * 1000) / 1000;

/** BM25 over the documents, each score divided by the best a document could get (0-1). */
function bm25(all: Doc[], terms: string[]): number[] {
  if (!terms.length) return all.map(() => 0);
  const docs = all.filter((d) => !d.phraseOnly);
  const avg = docs.reduce((s, d) => s + d.tokens.length, 0) / Math.max(1, docs.length);
  const idf = terms.map((term) => {
    const n = docs.filter((d) => d.tokens.some((t) => sameWord(term, t))).length;
    return Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
  });
  const best = idf.reduce((s, x) => s + x, 0);
  return all.map((doc) => {
    if (doc.phraseOnly) return 0;
    const norm = K1 * (1 - B + (B * doc.tokens.length) / Math.max(1, avg));
    let score = 0;
    terms.forEach((term, i) => {
      const tf = doc.tokens.filter((t) => sameWord(term, t)).length;
      if (tf) score += (idf[i]! * (tf * (K1 + 1))) / (tf + norm) / (K1 + 1);
    });
    return best > 0 ? score / best : 0;
  });
}

/** The same word despite one OCR slip in a long word. */
function sameWord(term: string, token: string): boolean {
  if (term === token) return true;
  if (term.length < 5 || Math.abs(term.length - token.length) > 1) return false;
  return levenshtein(term, token) <= 1;
}

/** How well a line of text that appeared answers the question's intent. */
const textIntent = (q: QuestionIntent): number =>
  q.intents.has('disappear') ? 0 : q.intents.has('appear') || q.intents.has('error') ? 0.5 : 0.25;

/** Whether the question says what happened (text appeared or went, was typed, failed) or names a UI element. */
const saysWhatHappened = (q: QuestionIntent): boolean =>
  ['appear', 'disappear', 'error', 'typed'].some((i) => q.intents.has(i as Intent)) ||
  // "What does the dialog offer?" asks about the dialog that came up.
  q.element !== undefined;
const wantedAction = (q: QuestionIntent): UiEvent['action'] =>
  q.intents.has('disappear') ? 'disappeared' : 'appeared';

function documents(timeline: Timeline): Doc[] {
  const docs: Doc[] = [];
  const typedTracks = new Set(timeline.typed.flatMap((t) => t.trackIds));
  for (const t of timeline.tracks)
    docs.push({
      hit: {
        timeSec: t.startSec,
        frameIndex: t.startFrame,
        kind: 'text',
        text: t.text,
        reason: `'${t.text}' appeared at ${clock(t.startSec)} (on screen until ${clock(t.endSec)})`,
      },
      tokens: tokensOf(t.text),
      intentScore: (q) =>
        textIntent(q) + (q.intents.has('typed') && typedTracks.has(t.id) ? 0.3 : 0),
      alone: () => 0,
    });
  // A quoted phrase may span the pieces OCR split one line into; words alone are
  // already matched against the pieces, so a joined line counts by its phrase only.
  for (const line of screenLines(timeline.tracks))
    docs.push({
      hit: {
        timeSec: line.startSec,
        frameIndex: line.startFrame,
        kind: 'text',
        text: line.text,
        reason: `'${line.text}' appeared at ${clock(line.startSec)} (on screen until ${clock(line.endSec)})`,
      },
      tokens: [],
      intentScore: (q) => textIntent(q),
      alone: () => 0,
      phraseOnly: true,
    });
  for (const t of timeline.typed)
    docs.push({
      hit: {
        timeSec: t.startSec,
        frameIndex: t.startFrame,
        kind: 'typed',
        text: t.text,
        reason: `'${t.text}' was typed from ${clock(t.startSec)} to ${clock(t.endSec)}`,
      },
      tokens: tokensOf(t.text),
      intentScore: (q) => (q.intents.has('typed') ? 1 : 0),
      alone: (q) => (q.intents.has('typed') ? 0.5 : 0),
    });
  for (const e of timeline.events) {
    const text = e.texts.join(' | ');
    docs.push({
      hit: {
        timeSec: e.timeSec,
        frameIndex: e.frameIndex,
        kind: 'ui',
        text,
        reason: `a ${e.type} ${e.action} at ${clock(e.timeSec)}${text ? ` with '${text}'` : ''}`,
      },
      tokens: [...tokensOf(text), e.type],
      intentScore: (q) => {
        // A question about something appearing is not answered by it going away; one that
        // does not say what happened weighs an appearance like any line with its words.
        const action = e.action !== wantedAction(q) ? -0.5 : saysWhatHappened(q) ? 0.5 : 0.25;
        return action + (q.element === e.type ? 0.5 * e.confidence + 0.2 : 0);
      },
      alone: (q) => {
        if (q.element !== e.type) return 0;
        const wanted = wantedAction(q);
        // Below a question's own words found in a text: the kind alone is weaker evidence.
        return 0.3 + 0.3 * e.confidence + (e.action === wanted ? 0.05 : 0);
      },
    });
  }
  for (const c of timeline.cuts)
    docs.push({
      hit: {
        timeSec: c.timeSec,
        frameIndex: c.frameIndex,
        kind: 'cut',
        reason: `a cut at ${clock(c.timeSec)} (colour change ${c.distance}, ${c.strength}x its neighbours)`,
      },
      tokens: [],
      intentScore: (q) => (q.intents.has('cut') ? Math.min(1, 0.5 + c.distance) : 0),
      alone: (q) => (q.intents.has('cut') ? 0.5 + 0.5 * Math.min(1, c.distance) : 0),
    });
  return docs;
}

/** 0:03.6: tenths matter when frames are sampled faster than one a second. */
export function clock(sec: number): string {
  const t = Math.round(sec * 10) / 10;
  const tenths = Math.round(t * 10) % 10;
  return `${formatTime(t)}${tenths ? `.${tenths}` : ''}`;
}
