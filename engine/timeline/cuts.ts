// Shot boundaries by the standard content method: the colour-histogram distance between
// consecutive encoded frames, against an adaptive threshold (the distance must stand out
// from the distances around it, as PySceneDetect's adaptive detector does), so a pan or
// flicker that moves every frame a little is not a cut while one sharp jump is.
import type { Cut, TimelineFrame } from './types';
import { histogramDistance } from './features';

/** Neighbouring distances on each side the threshold adapts to. */
const WINDOW = 2;
/** A cut's distance is at least this many times its neighbours' mean... */
const RATIO = 3;
/** ...and at least this large in absolute terms (half-L1 over 64 colour bins). */
const MIN_DISTANCE = 0.3;
/** Neighbour means below this count as this: a static shot would make any jump a cut. */
const FLOOR = 0.03;

export function findCuts(frames: readonly TimelineFrame[]): Cut[] {
  const distances = frames
    .slice(1)
    .map((frame, i) => histogramDistance(frames[i]!.histogram, frame.histogram));
  const cuts: Cut[] = [];
  distances.forEach((d, i) => {
    if (d < MIN_DISTANCE) return;
    const around = [
      ...distances.slice(Math.max(0, i - WINDOW), i),
      ...distances.slice(i + 1, i + 1 + WINDOW),
    ];
    const mean = around.length ? around.reduce((s, x) => s + x, 0) / around.length : 0;
    const strength = d / Math.max(mean, FLOOR);
    if (around.length && strength < RATIO) return;
    const frame = frames[i + 1]!;
    cuts.push({
      timeSec: frame.timeSec,
      frameIndex: frame.index,
      distance: Number(d.toFixed(3)),
      strength: Number(strength.toFixed(2)),
    });
  });
  return cuts;
}
