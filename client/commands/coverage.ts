// What part of a stream an answer covers, in words: the answer of a live source, or of a
// file asked before it was encoded, says which span it was drawn from. Pure, unit-tested.
import type { AnswerCoverage } from '../../protocol/protocol';

/** Seconds -> "m:ss" (or "h:mm:ss"), as a span is read aloud. */
export function clockTime(sec: number): string {
  const total = Math.max(0, Math.floor(sec));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * "from 0:00–0:42 of the live source", "from 0:00–0:04 of lazygit.mp4 (encoded so far)";
 * undefined when the answer covers the whole file (nothing to warn about).
 */
export function coverageText(
  coverage: AnswerCoverage | undefined,
  label: string,
): string | undefined {
  if (!coverage || (coverage.complete && !coverage.live)) return undefined;
  const span = `${clockTime(coverage.fromSec)}–${clockTime(coverage.toSec)}`;
  if (coverage.live) return `from ${span} of the live source`;
  return `from ${span} of ${label} (encoded so far)`;
}
