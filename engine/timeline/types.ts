// The timeline's types: what the recorder keeps per encoded frame, and the tracks, typed
// text, UI events and cuts built from it. Kept apart so every timeline module (and the
// entry points that print it) can share them without importing each other.
import type { RecognizedText } from '../ocr/engine';
import type { Box } from '../ocr/types';

export type { Box };

/** What the timeline keeps of one encoded frame: its text and how it changed. */
export interface TimelineFrame {
  index: number;
  timeSec: number;
  width: number;
  height: number;
  texts: RecognizedText[];
  /** Regions (frame pixels) whose block luma changed since the previous recorded frame. */
  changed: Box[];
  /** Fraction of the frame's blocks that changed since the previous recorded frame. */
  changedFraction: number;
  /** Normalised colour histogram (hue-ish RGB bins), for shot boundaries. */
  histogram: number[];
}

/** One distinct line of on-screen text, from its first to its last appearance. */
export interface TextTrack {
  id: number;
  text: string;
  box: Box;
  /** Time and frame of the first recorded frame that shows it. */
  startSec: number;
  startFrame: number;
  /** Time of the last recorded frame that shows it. */
  lastSeenSec: number;
  /** When it was gone: the first recorded frame after lastSeenSec, or the stream's end. */
  endSec: number;
  frames: number;
}

/** A line that grew character by character: typing at a prompt or into a field. */
export interface TypedEvent {
  startSec: number;
  startFrame: number;
  endSec: number;
  text: string;
  box: Box;
  /** How many growth steps were seen. */
  steps: number;
  trackIds: number[];
}

export type UiEventType = 'notification' | 'dialog' | 'menu' | 'popup' | 'page' | 'region';

/** A region of the screen that appeared or disappeared at a moment. */
export interface UiEvent {
  timeSec: number;
  frameIndex: number;
  action: 'appeared' | 'disappeared';
  type: UiEventType;
  /** 0-1: how sure the type guess is. */
  confidence: number;
  region: Box;
  /** The lines inside the region that appeared (or vanished) with it. */
  texts: string[];
}

/** A shot boundary: the colour distribution jumped well above its neighbourhood. */
export interface Cut {
  timeSec: number;
  frameIndex: number;
  /** Histogram distance at the cut, 0-1. */
  distance: number;
  /** The distance over the mean of its neighbours: how far it stands out. */
  strength: number;
}

export interface Timeline {
  durationSec: number;
  frames: number;
  tracks: TextTrack[];
  typed: TypedEvent[];
  events: UiEvent[];
  cuts: Cut[];
}
