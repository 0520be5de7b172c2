// Time hints in a question ("at the end", "at the start", "around 2:30", "at 0:45",
// "after 90 seconds", "at 1:02:03"): blocks near the named moment score high.
import type { BlockScorer, ScoringRequest } from './types';

export interface TimeHint {
  /** Seconds from the start of the stream. */
  timeSec: number;
  /** How far around it still counts, in seconds (the Gaussian's width). */
  spreadSec: number;
  /** The words the hint came from. */
  phrase: string;
}

const CLOCK = /\b(?:(\d{1,2}):)?(\d{1,2}):(\d{2})\b/;
const SECONDS = /\b(\d+(?:\.\d+)?)\s*(seconds?|secs?|s|minutes?|mins?|m)\b(?!\w)/i;

/** Finds the first time hint in a question, or null. */
export function parseTimeHint(question: string, streamEndSec: number): TimeHint | null {
  const q = question.toLowerCase();
  const clock = CLOCK.exec(q);
  if (clock) {
    const [, h, m, s] = clock;
    const timeSec = Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s);
    return { timeSec, spreadSec: /around|about|near/.test(q) ? 10 : 1, phrase: clock[0] };
  }
  const amount = SECONDS.exec(q);
  if (amount && /\b(at|around|about|after|near)\b/.test(q)) {
    const unit = amount[2].startsWith('m') ? 60 : 1;
    return { timeSec: Number(amount[1]) * unit, spreadSec: 5, phrase: amount[0] };
  }
  const span = Math.max(streamEndSec, 1);
  if (
    /\b(at|near|towards?|by) the (very )?end\b|\b(last|final) (frames?|seconds?|moments?)\b|\bin the end\b/.test(
      q,
    )
  )
    return { timeSec: streamEndSec, spreadSec: Math.max(2, span * 0.1), phrase: 'the end' };
  if (
    /\b(at|near) the (very )?(start|beginning)\b|\b(first|opening) (frames?|seconds?|moments?)\b/.test(
      q,
    )
  )
    return { timeSec: 0, spreadSec: Math.max(2, span * 0.1), phrase: 'the start' };
  if (/\b(in the )?middle\b|\bhalfway\b/.test(q))
    return { timeSec: streamEndSec / 2, spreadSec: Math.max(2, span * 0.1), phrase: 'the middle' };
  return null;
}

export const timeHintScorer: BlockScorer = {
  name: 'time',
  needs: {},
  score({ question, candidates, streamEndSec }: ScoringRequest): Float32Array {
    const hint = parseTimeHint(question, streamEndSec);
    const out = new Float32Array(candidates.length);
    if (!hint) return out;
    candidates.forEach((b, i) => {
      // A frame that stayed on screen over a span matches any moment inside it.
      const end = Math.max(b.timeSec, b.untilSec ?? b.timeSec);
      const gap =
        hint.timeSec < b.timeSec ? b.timeSec - hint.timeSec : Math.max(0, hint.timeSec - end);
      const d = gap / hint.spreadSec;
      out[i] = Math.exp(-0.5 * d * d);
    });
    return out;
  },
};
