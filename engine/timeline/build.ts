// Builds the timeline from the recorded frames: text tracks first, then the typing found
// among them, the UI events around them, and the shot boundaries.
import { findCuts } from './cuts';
import { findUiEvents } from './events';
import { buildTracks } from './tracks';
import { findTyping } from './typed';
import type { Timeline, TimelineFrame } from './types';

export function buildTimeline(frames: readonly TimelineFrame[], endSec = 0): Timeline {
  const durationSec = Math.max(endSec, frames[frames.length - 1]?.timeSec ?? 0);
  const tracks = buildTracks(frames, durationSec);
  const typed = findTyping(
    tracks,
    frames.map((f) => f.timeSec),
  );
  return {
    durationSec,
    frames: frames.length,
    tracks,
    typed,
    events: findUiEvents(frames, tracks, typed),
    cuts: findCuts(frames),
  };
}
