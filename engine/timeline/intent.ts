// What a when-question asks about, from its wording: something appearing, disappearing,
// being typed, an error, or a cut; and which kind of UI element it names, if any.
import type { UiEventType } from './types';

export type Intent = 'appear' | 'disappear' | 'typed' | 'error' | 'cut';

export interface QuestionIntent {
  intents: Set<Intent>;
  /** A UI element the question names ("the menu", "a toast"). */
  element?: UiEventType;
}

const INTENT_WORDS: Record<Intent, RegExp> = {
  appear: /\b(appear\w*|show\w*|pop\w*|open\w*|display\w*|come\w* up|visible|print\w*|output)\b/,
  disappear: /\b(disappear\w*|clos\w*|dismiss\w*|gone|hid\w*|vanish\w*|go away|goes away)\b/,
  typed: /\b(typ\w*|enter\w*|input|writ\w*|wrote|keyed|command)\b/,
  error: /\b(error\w*|fail\w*|exception|denied|not found|warning|crash\w*|wrong|invalid)\b/,
  cut: /\b(cut|cuts|scene|shot|camera|pan\w*|switch\w*|transition)\b/,
};

const ELEMENT_WORDS: [UiEventType, RegExp][] = [
  ['notification', /\b(toast|notification|alert|snackbar)\b/],
  ['dialog', /\b(dialog|modal|prompt box|window)\b/],
  ['menu', /\b(menu|palette|dropdown|drop-down|list of|options|suggestions?|completions?)\b/],
  ['popup', /\b(pop-?up|tooltip|hint|hover)\b/],
  ['page', /\b(page|screen changes?|view changes?)\b/],
];

/** Quoted text in a question; an apostrophe inside double quotes stays in the phrase. */
const QUOTES = /"([^"]{2,})"|“([^”]{2,})”|'([^']{2,})'|‘([^’]{2,})’|`([^`]{2,})`/g;

/** The quoted phrases of a question: text it looks for on screen. */
export function quotedPhrases(question: string): string[] {
  return [...question.matchAll(QUOTES)].map((m) => (m.slice(1).find(Boolean) ?? '').trim());
}

export function questionIntent(question: string): QuestionIntent {
  // What a question quotes is what it looks for, not what it asks: "'[enter]'" is no typing.
  const q = question.replace(QUOTES, ' ').toLowerCase();
  const intents = new Set<Intent>();
  for (const [intent, words] of Object.entries(INTENT_WORDS) as [Intent, RegExp][])
    if (words.test(q)) intents.add(intent);
  const element = ELEMENT_WORDS.find(([, words]) => words.test(q))?.[0];
  return { intents, ...(element ? { element } : {}) };
}

/** Words of a question that say what it asks rather than what it looks for. */
export const QUESTION_WORDS = new Set(
  (
    'when what which where who how does do did is are was were be been the a an at in on of to ' +
    'for from by with and or it its this that there then second seconds time moment first ' +
    'start starts begin begins say says said appear appears appeared show shows shown showing ' +
    'pop pops up visible screen video recording clip happen happens get gets user they he she ' +
    'text message line read reads see seen after before into than one thing displayed display ' +
    'open opens opened come comes'
  ).split(' '),
);
