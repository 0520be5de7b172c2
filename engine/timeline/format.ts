// The timeline as people read it (`vlm timeline`): the moments in time order, then the
// text tracks with their first and last appearance.
import { clock } from './search';
import type { Box, Timeline } from './types';

const quote = (text: string, max = 70) =>
  `'${text.length > max ? `${text.slice(0, max - 1)}…` : text}'`;
const where = (b: Box) => `${b.w}x${b.h}+${b.x}+${b.y}`;

export function formatTimeline(t: Timeline, options: { maxTracks?: number } = {}): string {
  const moments: { time: number; line: string }[] = [
    ...t.events.map((e) => ({
      time: e.timeSec,
      line: `${e.type} ${e.action} (${e.confidence.toFixed(2)}) at ${where(e.region)}${
        e.texts.length ? `: ${quote(e.texts.join(' | '))}` : ''
      }`,
    })),
    ...t.typed.map((e) => ({
      time: e.startSec,
      line: `typed until ${clock(e.endSec)} (${e.steps} steps): ${quote(e.text)}`,
    })),
    ...t.cuts.map((c) => ({
      time: c.timeSec,
      line: `cut (distance ${c.distance}, ${c.strength}x neighbours)`,
    })),
  ].sort((a, b) => a.time - b.time);
  const lines = [
    `Timeline: ${clock(t.durationSec)}, ${t.frames} encoded frames, ${t.tracks.length} text tracks, ` +
      `${t.typed.length} typed, ${t.events.length} UI events, ${t.cuts.length} cuts`,
    '',
    'Events',
    ...(moments.length ? moments : [{ time: 0, line: '(none)' }]).map(
      (m) => `  ${clock(m.time).padStart(7)}  ${m.line}`,
    ),
    '',
    'Text tracks (first - gone)',
  ];
  const tracks = t.tracks.slice(0, options.maxTracks ?? t.tracks.length);
  for (const tr of tracks)
    lines.push(
      `  ${clock(tr.startSec).padStart(7)} - ${clock(tr.endSec).padEnd(7)} ${quote(tr.text)} at ${where(tr.box)}`,
    );
  if (tracks.length < t.tracks.length)
    lines.push(`  ... ${t.tracks.length - tracks.length} more (--json lists all)`);
  if (!t.tracks.length) lines.push('  (none)');
  return lines.join('\n');
}
