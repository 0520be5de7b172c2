// vlm/timeline: what happens when in an open stream (UI regions that appeared or went,
// typed lines, cuts), as moments the editor draws on its video view.
import { clock, type Timeline } from '../../engine/timeline';
import type { TimelineMoment, TimelineResult } from '../../protocol/protocol';
import { toBox } from './ocr';
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
  const joined = (texts: string[]) => (texts.length ? { text: texts.join(' | ') } : {});
  return [
    ...t.events.map(
      (e): TimelineMoment => ({
        timeSec: e.timeSec,
        kind: 'ui',
        label: `a ${e.type} ${e.action}`,
        ...joined(e.texts),
        box: toBox(e.region),
      }),
    ),
    ...t.typed.map(
      (e): TimelineMoment => ({
        timeSec: e.startSec,
        kind: 'typed',
        label: `typed until ${clock(e.endSec)}`,
        text: e.text,
        box: toBox(e.box),
      }),
    ),
    ...t.cuts.map((c): TimelineMoment => ({ timeSec: c.timeSec, kind: 'cut', label: 'a cut' })),
  ].sort((a, b) => a.timeSec - b.timeSec);
}
