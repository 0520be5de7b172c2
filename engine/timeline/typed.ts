// Typing: a line that grows character by character shows up as a chain of text tracks at
// one place, each the one before with text added at its end. The chain becomes one typed
// event: when the growth started, when it stopped, and the final text.
import type { TextTrack, TypedEvent } from './types';
import { rowOverlap, union } from './geometry';
import { grewFrom, lineForm } from './text-match';

/**
 * Growth a chain needs to be typing rather than one edit: two steps, or one step of at
 * least MIN_CHARS characters (at one frame a second, a typed word is often one step).
 */
const MIN_STEPS = 2;
const MIN_CHARS = 3;

/** `next` continues `prev` as typing: same row, same left edge, starts as `prev` is gone. */
function continues(prev: TextTrack, next: TextTrack, frameTimes: number[]): boolean {
  if (rowOverlap(prev.box, next.box) < 0.5) return false;
  if (Math.abs(prev.box.x - next.box.x) > Math.max(prev.box.h, next.box.h) * 1.5) return false;
  // The longer line must come in the frame right after the shorter one was last seen.
  const after = frameTimes.find((t) => t > prev.lastSeenSec);
  if (after === undefined || next.startSec !== after) return false;
  return grewFrom(prev.text, next.text);
}

/**
 * Whether the chain's first line was already being typed: it stayed on screen no longer
 * than the steps that followed it (a prompt waits; a half-typed word moves on).
 */
function underWay(chain: TextTrack[]): boolean {
  const steps = chain.slice(1, -1).map((t) => t.endSec - t.startSec);
  if (!steps.length) return false;
  const typical = steps.sort((a, b) => a - b)[steps.length >> 1]!;
  return chain[0]!.endSec - chain[0]!.startSec <= typical * 1.5;
}

export function findTyping(tracks: readonly TextTrack[], frameTimes: number[]): TypedEvent[] {
  const byStart = new Map<number, TextTrack[]>();
  for (const t of tracks) byStart.set(t.startSec, [...(byStart.get(t.startSec) ?? []), t]);
  const used = new Set<number>();
  const events: TypedEvent[] = [];
  for (const first of tracks) {
    if (used.has(first.id)) continue;
    const chain = [first];
    for (;;) {
      const last = chain[chain.length - 1]!;
      const after = frameTimes.find((t) => t > last.lastSeenSec);
      const next = (after === undefined ? [] : (byStart.get(after) ?? [])).find(
        (t) => !used.has(t.id) && continues(last, t, frameTimes),
      );
      if (!next) break;
      chain.push(next);
    }
    const grown = lineForm(chain[chain.length - 1]!.text).length - lineForm(first.text).length;
    if (chain.length < 2 || (chain.length - 1 < MIN_STEPS && grown < MIN_CHARS)) continue;
    chain.forEach((t) => used.add(t.id));
    const final = chain[chain.length - 1]!;
    const opening = chain[underWay(chain) ? 0 : 1]!;
    events.push({
      startSec: opening.startSec,
      startFrame: opening.startFrame,
      endSec: final.startSec,
      text: final.text,
      box: union(chain.map((t) => t.box)),
      steps: chain.length - 1,
      trackIds: chain.map((t) => t.id),
    });
  }
  return events.sort((a, b) => a.startSec - b.startSec);
}
