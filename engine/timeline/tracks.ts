// Text tracks: each distinct line of on-screen text, followed across encoded frames from
// its first to its last appearance. A line read again in the next frame at about the
// same place with about the same text (OCR noise) continues its track; a line whose text
// changed starts a new one.
import type { TextTrack, TimelineFrame } from './types';
import { iou, rowOverlap } from './geometry';
import { grewBy, lineSimilarity } from './text-match';

/** Lines at least this similar (after OCR noise) are the same line. */
const SAME_TEXT = 0.8;
/** Lines below this OCR confidence are too unsure to start a track. */
const MIN_CONFIDENCE = 0.5;
/** A track survives this many frames without being read (OCR can miss a line once). */
const MISS_FRAMES = 1;

interface Active extends TextTrack {
  lastPos: number;
  bestConfidence: number;
}

/** Same place: the boxes overlap well, or sit on one row with close left edges. */
function samePlace(a: TextTrack['box'], b: TextTrack['box']): boolean {
  if (iou(a, b) >= 0.3) return true;
  return rowOverlap(a, b) >= 0.6 && Math.abs(a.x - b.x) <= Math.max(a.h, b.h) * 2;
}

export function buildTracks(frames: readonly TimelineFrame[], endSec: number): TextTrack[] {
  const done: Active[] = [];
  let active: Active[] = [];
  frames.forEach((frame, pos) => {
    const taken = new Set<Active>();
    for (const line of frame.texts) {
      if (!line.text.trim()) continue;
      const match = bestMatch(active, taken, line);
      if (match) {
        taken.add(match);
        continueTrack(match, line, frame, pos);
      } else if (line.confidence >= MIN_CONFIDENCE) {
        const track = startTrack(done.length + active.length, line, frame, pos);
        active.push(track);
        taken.add(track);
      }
    }
    active = active.filter((t) => {
      if (pos - t.lastPos <= MISS_FRAMES) return true;
      done.push(retire(t, frames, endSec));
      return false;
    });
  });
  for (const t of active) done.push(retire(t, frames, endSec));
  return done
    .sort((a, b) => a.startSec - b.startSec || a.box.y - b.box.y || a.box.x - b.box.x)
    .map((t, id) => ({
      id,
      text: t.text,
      box: t.box,
      startSec: t.startSec,
      startFrame: t.startFrame,
      lastSeenSec: t.lastSeenSec,
      endSec: t.endSec,
      frames: t.frames,
    }));
}

/** A track is gone from the first recorded frame after it was last read. */
function retire(t: Active, frames: readonly TimelineFrame[], endSec: number): Active {
  t.endSec = frames[t.lastPos + 1]?.timeSec ?? Math.max(endSec, t.lastSeenSec);
  return t;
}

function bestMatch(
  active: Active[],
  taken: Set<Active>,
  line: TimelineFrame['texts'][number],
): Active | undefined {
  let best: Active | undefined;
  let bestScore = SAME_TEXT;
  for (const track of active) {
    if (taken.has(track) || !samePlace(track.box, line.box)) continue;
    // A line that gained characters at its end is a new reading (typing), not OCR noise.
    if (grewBy(track.text, line.text) >= 1) continue;
    const score = lineSimilarity(track.text, line.text);
    if (score >= bestScore) [best, bestScore] = [track, score];
  }
  return best;
}

function startTrack(
  id: number,
  line: TimelineFrame['texts'][number],
  frame: TimelineFrame,
  pos: number,
): Active {
  return {
    id,
    text: line.text,
    box: line.box,
    startSec: frame.timeSec,
    startFrame: frame.index,
    lastSeenSec: frame.timeSec,
    endSec: frame.timeSec,
    frames: 1,
    lastPos: pos,
    bestConfidence: line.confidence,
  };
}

/** The track keeps its most confident reading as its text and follows the line's box. */
function continueTrack(
  track: Active,
  line: TimelineFrame['texts'][number],
  frame: TimelineFrame,
  pos: number,
): void {
  track.frames++;
  track.lastSeenSec = frame.timeSec;
  track.lastPos = pos;
  track.box = line.box;
  if (line.confidence > track.bestConfidence) {
    track.text = line.text;
    track.bestConfidence = line.confidence;
  }
}
