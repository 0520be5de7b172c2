// Screen lines from text tracks: OCR often reads one line of a terminal or a form as
// several pieces ("git branch" and "[enter/ctrl+c]"), each its own track. A quoted phrase
// in a question can span those pieces, so the pieces on one row that are on screen
// together are joined, at the moment the last of them appeared.
import { rowOverlap } from './geometry';
import type { Box, TextTrack } from './types';

export interface ScreenLine {
  text: string;
  startSec: number;
  startFrame: number;
  endSec: number;
}

/** Pieces closer than this many line heights apart are one line. */
const MAX_GAP_HEIGHTS = 2;
const MIN_ROW_OVERLAP = 0.6;
const MAX_HEIGHT_RATIO = 1.6;

/** Lines per track list: a timeline is built once and searched once per question. */
const built = new WeakMap<readonly TextTrack[], ScreenLine[]>();

/** The lines of two or more tracks, one per row and moment a piece of it appeared. */
export function screenLines(tracks: readonly TextTrack[]): ScreenLine[] {
  let lines = built.get(tracks);
  if (!lines) built.set(tracks, (lines = joinRows(tracks)));
  return lines;
}

function joinRows(tracks: readonly TextTrack[]): ScreenLine[] {
  const lines = new Map<string, ScreenLine>();
  for (const track of tracks) {
    const visible = tracks.filter(
      (u) => u.startSec <= track.startSec && u.lastSeenSec >= track.startSec,
    );
    const parts = rowAround(track, visible);
    if (parts.length < 2) continue;
    const key = parts.map((p) => p.id).join(',');
    if (lines.has(key)) continue;
    lines.set(key, {
      text: parts.map((p) => p.text).join(' '),
      startSec: track.startSec,
      startFrame: track.startFrame,
      endSec: Math.min(...parts.map((p) => p.endSec)),
    });
  }
  return [...lines.values()];
}

/** The tracks chained to `seed` along its row, left to right. */
function rowAround(seed: TextTrack, visible: TextTrack[]): TextTrack[] {
  const row = visible.filter((u) => sameRow(seed.box, u.box));
  const parts = [seed];
  let grew = true;
  while (grew) {
    grew = false;
    for (const u of row)
      if (!parts.includes(u) && parts.some((p) => adjacent(p.box, u.box))) {
        parts.push(u);
        grew = true;
      }
  }
  return parts.sort((a, b) => a.box.x - b.box.x);
}

function sameRow(a: Box, b: Box): boolean {
  const ratio = Math.max(a.h, b.h) / Math.max(1, Math.min(a.h, b.h));
  return ratio <= MAX_HEIGHT_RATIO && rowOverlap(a, b) >= MIN_ROW_OVERLAP;
}

/** Side by side on the row, without overlapping much (a re-read of the same piece). */
function adjacent(a: Box, b: Box): boolean {
  const [left, right] = a.x <= b.x ? [a, b] : [b, a];
  const gap = right.x - (left.x + left.w);
  const height = Math.max(a.h, b.h);
  return gap <= MAX_GAP_HEIGHTS * height && gap >= -0.25 * Math.min(a.w, b.w);
}
