// Where things sit on the video view's timeline: evidence markers and the stream's timeline
// moments (UI events, typing, cuts) as a share of the duration, and which extracted frame
// shows a given time in the frame stepper. Pure, no vscode import, so the unit tests and
// the host share one definition and the webview only renders numbers.
import type { Evidence, TimelineMoment } from '../../protocol/protocol';
import type { AnswerHistory } from '../answers/history';
import { formatTimestamp } from '../format';

/** Extensions a webview's <video> element plays in VS Code's builds; the rest step through frames. */
const PLAYABLE = new Set(['.mp4', '.m4v', '.mov', '.webm', '.ogv']);

export function playsInWebview(path: string): boolean {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 && PLAYABLE.has(name.slice(dot).toLowerCase());
}

export interface AnswerEvidence {
  askId: string;
  question: string;
  evidence: readonly Evidence[];
}

export interface Marker {
  timeSec: number;
  /** Position on the timeline, 0..100. */
  leftPct: number;
  /** The tooltip: the question and the frame's on-screen text. */
  label: string;
  askId: string;
}

/** The finished answers about one media file, from every stream that read it. */
export function answersAbout(history: AnswerHistory, mediaPath: string): AnswerEvidence[] {
  return history
    .streamsInOrder()
    .filter((s) => s.mediaPath === mediaPath)
    .flatMap((s) => history.forStream(s.key))
    .filter((e) => e.state === 'done')
    .map((e) => ({ askId: e.id, question: e.question, evidence: e.evidence }));
}

/** Markers closer than this share one place on the timeline: the first asked wins. */
const SAME_PLACE_SEC = 0.05;

/**
 * One marker per distinct evidence time, clamped to the video, in time order. An unknown
 * duration (0, NaN: metadata not loaded yet) gives no markers rather than wrong places.
 */
export function placeMarkers(answers: readonly AnswerEvidence[], durationSec: number): Marker[] {
  if (!Number.isFinite(durationSec) || durationSec <= 0) return [];
  const markers: Marker[] = [];
  for (const answer of answers) {
    for (const e of answer.evidence) {
      if (!Number.isFinite(e.timeSec)) continue;
      const timeSec = Math.min(Math.max(e.timeSec, 0), durationSec);
      if (markers.some((m) => Math.abs(m.timeSec - timeSec) < SAME_PLACE_SEC)) continue;
      const text = e.text ? `: ${e.text.slice(0, 120)}` : '';
      markers.push({
        timeSec,
        leftPct: (100 * timeSec) / durationSec,
        label: `${answer.question}${text}`,
        askId: answer.askId,
      });
    }
  }
  return markers.sort((a, b) => a.timeSec - b.timeSec);
}

export interface EventMark {
  timeSec: number;
  /** Position on the timeline, 0..100. */
  leftPct: number;
  kind: TimelineMoment['kind'];
  /** The tooltip: "0:04 a menu appeared: Get-Module | Get-Member". */
  label: string;
}

/** Moments closer than this share one mark: the first in time order stays. */
const SAME_EVENT_SEC = 0.05;
/** A tooltip shows this much of a moment's text. */
const EVENT_TEXT_CHARS = 120;

/**
 * One mark per moment of the stream's timeline, clamped to the video; like evidence
 * markers, none while the duration is unknown.
 */
export function placeEvents(moments: readonly TimelineMoment[], durationSec: number): EventMark[] {
  if (!Number.isFinite(durationSec) || durationSec <= 0) return [];
  const marks: EventMark[] = [];
  for (const m of [...moments].sort((a, b) => a.timeSec - b.timeSec)) {
    if (!Number.isFinite(m.timeSec)) continue;
    const timeSec = Math.min(Math.max(m.timeSec, 0), durationSec);
    const last = marks[marks.length - 1];
    if (last && last.kind === m.kind && timeSec - last.timeSec < SAME_EVENT_SEC) continue;
    const text = m.text ? `: ${m.text.slice(0, EVENT_TEXT_CHARS)}` : '';
    marks.push({
      timeSec,
      leftPct: (100 * timeSec) / durationSec,
      kind: m.kind,
      label: `${formatTimestamp(timeSec * 1000)} ${m.label}${text}`,
    });
  }
  return marks;
}

/** The frame stepper's frame for a time: frame i was taken at i / fps (ffmpeg's fps filter). */
export function frameIndexAt(timeSec: number, fps: number, frameCount: number): number {
  if (frameCount <= 0) return 0;
  if (!Number.isFinite(timeSec) || timeSec <= 0 || !(fps > 0)) return 0;
  return Math.min(frameCount - 1, Math.round(timeSec * fps));
}

export function frameTime(index: number, fps: number): number {
  return fps > 0 ? index / fps : 0;
}

/**
 * The stepper's sampling rate: up to maxFps, but never more than maxFrames over the whole
 * video, so a long recording costs a bounded number of JPEGs.
 */
export function stepperFps(durationSec: number, maxFrames = 240, maxFps = 4): number {
  if (!Number.isFinite(durationSec) || durationSec <= 0) return maxFps;
  return Math.min(maxFps, maxFrames / durationSec);
}

/**
 * The length ffmpeg prints: the input's "Duration: 00:01:02.50" header, else the last
 * "time=" progress figure of a pass over the stream (a GIF's header says N/A), in seconds.
 */
export function parseFfmpegDuration(stderr: string): number | undefined {
  const header = /Duration:\s*(\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(stderr);
  const progress = [...stderr.matchAll(/time=\s*(\d+):(\d\d):(\d\d(?:\.\d+)?)/g)].pop();
  const m = header ?? progress;
  if (!m) return undefined;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}
