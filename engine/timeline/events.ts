// UI events: a region of the screen changed (the frame's changed-block map) and lines of
// text started or ended inside it in that same frame. Lines that started make the region
// one that appeared (a toast, a dialog, a menu, a new page); lines that only ended make
// one that disappeared. Lines that merely grew (typing) are typed events, not regions.
import { classifyRegion } from './classify';
import { area, coverage } from './geometry';
import { lineForm, lineSimilarity } from './text-match';
import type { Box, TextTrack, TimelineFrame, TypedEvent, UiEvent } from './types';

/** Regions smaller than this share of the frame are a cursor blink or one glyph. */
const MIN_REGION_SHARE = 0.002;
/** A line belongs to a region when this much of its box lies inside it. */
const INSIDE = 0.6;

export function findUiEvents(
  frames: readonly TimelineFrame[],
  tracks: readonly TextTrack[],
  typed: readonly TypedEvent[],
): UiEvent[] {
  const typing = new Set(typed.flatMap((t) => t.trackIds));
  const repeated = repeatedTracks(tracks);
  const events: UiEvent[] = [];
  frames.forEach((frame, pos) => {
    if (pos === 0) return;
    const started = tracks.filter(
      (t) => t.startFrame === frame.index && !typing.has(t.id) && !repeated.has(t.id),
    );
    const ended = tracks.filter((t) => t.endSec === frame.timeSec && t.lastSeenSec < frame.timeSec);
    for (const region of regionsOf(frame)) {
      const inNew = started.filter((t) => coverage(t.box, region) >= INSIDE);
      const inGone = ended.filter((t) => coverage(t.box, region) >= INSIDE);
      const lines = inNew.length ? inNew : inGone;
      if (!lines.length) continue;
      const guess = classifyRegion({
        region,
        frame,
        changedFraction: frame.changedFraction,
        lines: lines.map((t) => t.box),
      });
      events.push({
        timeSec: frame.timeSec,
        frameIndex: frame.index,
        action: inNew.length ? 'appeared' : 'disappeared',
        ...guess,
        region,
        texts: readingOrder(lines).map((t) => t.text),
      });
    }
  });
  return events;
}

/** The frame's changed regions worth an event; a repainted page is one region. */
function regionsOf(frame: TimelineFrame): Box[] {
  const min = frame.width * frame.height * MIN_REGION_SHARE;
  if (frame.changedFraction >= 0.45) return [{ x: 0, y: 0, w: frame.width, h: frame.height }];
  return frame.changed.filter((r) => area(r) >= min);
}

/**
 * Tracks whose text was already on screen earlier (a scrolled terminal or a redrawn page
 * reads the same lines at new places): they did not appear, they moved.
 */
function repeatedTracks(tracks: readonly TextTrack[]): Set<number> {
  const earlier = new Map<string, string[]>();
  const repeated = new Set<number>();
  for (const t of [...tracks].sort((a, b) => a.startSec - b.startSec)) {
    const form = lineForm(t.text);
    const key = form.slice(0, 3);
    const candidates = earlier.get(key) ?? [];
    if (candidates.some((c) => c === form || lineSimilarity(c, form) >= 0.8)) repeated.add(t.id);
    earlier.set(key, [...candidates, form]);
  }
  return repeated;
}

function readingOrder(tracks: TextTrack[]): TextTrack[] {
  return [...tracks].sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x);
}
