// Whether what an entry point said about a bad input is a clear error: it names the input
// (as given, or escaped the way a terminal-safe message would) and says what is wrong.
import { PROBLEM_WORDS, type CorpusCase, type Entry } from '../../scripts/corpus/types';

export type Outcome = 'clear' | 'unclear' | 'answered' | 'hang' | 'crash';

export interface CaseResult {
  id: string;
  entry: Entry;
  group: string;
  input: string;
  outcome: Outcome;
  /** What the entry point said (an error message, or why the outcome is what it is). */
  said: string;
  ms: number;
  /** Files and folders the case left behind. */
  leftovers: string[];
}

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Ways a message may render a name: JSON or \xNN escapes, U+FFFD or ? for control characters,
 * and as is unless `escapedOnly` (a terminal would interpret a raw escape sequence).
 */
export function nameForms(name: string, escapedOnly = false): string[] {
  const hex = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  const unicode = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  const hasControls = name.replace(CONTROLS, '') !== name;
  const forms = [
    ...(escapedOnly && hasControls ? [] : [name, name.replace(CONTROLS, '')]),
    JSON.stringify(name).slice(1, -1),
    name.replace(CONTROLS, hex),
    name.replace(CONTROLS, unicode),
    name.replace(CONTROLS, '?'),
    name.replace(CONTROLS, '\uFFFD'),
  ];
  // A very long name may be shortened with an ellipsis: its first 40 characters will do.
  return [...new Set(forms.flatMap((f) => (f.length > 60 ? [f, f.slice(0, 40)] : [f])))];
}

export function namesInput(c: CorpusCase, text: string): boolean {
  return c.names.some((name) => nameForms(name, c.escapedOnly).some((form) => text.includes(form)));
}

/**
 * Library phrases that sound like a diagnosis but say nothing about the input; a message
 * is not clear because it passes one of them on.
 */
const OPAQUE = [/Invalid argument/g, /Invalid data found when processing input/g];

/**
 * A library's internals shown to the user: a C++ source location (`model.cc:187`), with or
 * without the function signature after it. However it goes on, such a message is unclear.
 */
const INTERNALS = /[\\/][^\s:]+\.(?:cc|cpp|cxx|hpp|h):\d+\b/;

/**
 * The text with paths and opaque phrases taken out, lower-cased, and the stretches where the
 * input's names appear in it, so that a word inside a name (`png-empty.png`, `loop-a.png`,
 * a folder `model-missing-config`) is not mistaken for the message saying it.
 */
function problemText(c: CorpusCase, text: string): { rest: string; names: [number, number][] } {
  // Paths and opaque phrases are blanked, not cut, so positions in `text` still hold.
  let rest = text.replace(/(?:file:\/\/)?\/[^\s'"():,]+/g, (path) => ' '.repeat(path.length));
  for (const phrase of OPAQUE) rest = rest.replace(phrase, (m) => ' '.repeat(m.length));
  rest = rest.toLowerCase();
  // Names are found in the text as it was too: a name with a space or a newline is cut by
  // the path pattern, and what is left of it is still part of the name.
  const lower = text.toLowerCase();
  const haystacks = lower.length === rest.length ? [rest, lower] : [rest];
  const names: [number, number][] = [];
  for (const name of c.names)
    for (const form of nameForms(name)) {
      const f = form.toLowerCase();
      if (!f) continue;
      for (const hay of haystacks)
        for (let at = hay.indexOf(f); at >= 0; at = hay.indexOf(f, at + 1))
          names.push([at, at + f.length]);
    }
  return { rest, names };
}

/**
 * A problem phrase counts where it is not wholly inside one of the input's names: `empty`
 * in `png-empty.png` does not, `bad message header` does although `header` is a name.
 */
export function saysProblem(c: CorpusCase, text: string): boolean {
  const { rest, names } = problemText(c, text);
  const insideName = (from: number, to: number) =>
    names.some(([start, end]) => start <= from && to <= end);
  return (c.problems ?? PROBLEM_WORDS).some((word) => {
    const w = word.toLowerCase();
    for (let at = rest.indexOf(w); at >= 0; at = rest.indexOf(w, at + 1))
      if (!insideName(at, at + w.length)) return true;
    return false;
  });
}

export function isClear(c: CorpusCase, text: string): boolean {
  return !INTERNALS.test(text) && namesInput(c, text) && saysProblem(c, text);
}

/** A native crash or an unhandled exception's stack in what the process printed. */
export function looksLikeCrash(text: string): boolean {
  return /Segmentation fault|core dumped|SIGSEGV|SIGABRT|FATAL ERROR|Aborted \(|^\s+at .+:\d+:\d+\)?$/m.test(
    text,
  );
}

/** Clear or unclear, by the error text. */
export function judgeError(c: CorpusCase, text: string): Outcome {
  if (looksLikeCrash(text)) return 'crash';
  return isClear(c, text) ? 'clear' : 'unclear';
}

/** An HTTP error: a 5xx for a bad input is never clear (the client did wrong, not the server). */
export function judgeHttpError(c: CorpusCase, status: number, text: string): Outcome {
  const outcome = judgeError(c, text);
  return status >= 500 && outcome === 'clear' ? 'unclear' : outcome;
}

/** Shortens (keeping both ends: a list of problems may come last) and makes printable what was said. */
export function printable(text: string, max = 600): string {
  const oneLine = JSON.stringify(text.trim()).slice(1, -1);
  const half = Math.floor(max / 2);
  return oneLine.length > max ? `${oneLine.slice(0, half)} … ${oneLine.slice(-half)}` : oneLine;
}
