// vlm/timeline: what happens when in an open stream (UI regions that appeared or went,
// typed lines, cuts), as moments the editor draws on its video view.
import { clock, type Timeline } from '../../engine/timeline';
import type { TimelineMoment, TimelineResult } from '../../protocol/protocol';
import { requireScreenText } from './streams';

export function streamTimeline(params: { streamId: string }): TimelineResult {
  const opened = requireScreenText(params.streamId, 'timeline', 'for its timeline');
  const timeline = opened.stream.timeline();
  return {
    streamId: params.streamId,
    durationSec: timeline.durationSec,
    moments: timelineMoments(timeline),
    textTracks: timeline.tracks.length,
  };
}

/** The timeline's events, typed lines and cuts as one list in time order. */
export function timelineMoments(t: Timeline): TimelineMoment[] {
  const box = (b: { x: number; y: number; w: number; h: number }) => ({
    x: b.x,
    y: b.y,
    width: b.w,
    height: b.h,
  });
  const joined = (texts: string[]) => (texts.length ? { text: texts.join(' | ') } : {});
  return [
    ...t.events.map(
      (e): TimelineMoment => ({
        timeSec: e.timeSec,
        kind: 'ui',
        label: `a ${e.type} ${e.action}`,
        ...joined(e.texts),
        box: box(e.region),
      }),
    ),
    ...t.typed.map(
      (e): TimelineMoment => ({
        timeSec: e.startSec,
        kind: 'typed',
        label: `typed until ${clock(e.endSec)}`,
        text: e.text,
        box: box(e.box),
      }),
    ),
    ...t.cuts.map((c): TimelineMoment => ({ timeSec: c.timeSec, kind: 'cut', label: 'a cut' })),
  ].sort((a, b) => a.timeSec - b.timeSec);
}
