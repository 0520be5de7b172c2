// vlm/timeline: what happens when in an open stream (UI regions that appeared or went,
// typed lines, cuts), as moments the editor draws on its video view.
import { clock, type Timeline } from '../../engine/timeline';
import { VlmErrorCodes, type TimelineMoment, type TimelineResult } from '../../protocol/protocol';
import { EngineError } from '../engine-host/engine-error';
import { requireStream } from './streams';

export function streamTimeline(params: { streamId: string }): TimelineResult {
  const opened = requireStream(params.streamId);
  if (!opened.stream.hasScreenText)
    throw new EngineError(
      VlmErrorCodes.NotAvailable,
      'timeline: this stream was opened without on-screen text (vlm.screenText.enabled is ' +
        "'off', or 'auto' judged the file camera footage); set it to 'on' and open the stream again for its timeline",
      { capability: 'ocr.screenText' },
    );
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
