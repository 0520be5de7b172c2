// Records what the timeline needs while a stream is encoded: for each encoded frame the
// OCR lines the stream's screen text already read, the regions that changed since the
// previous encoded frame and a colour histogram. Nothing is decoded or read again; the
// timeline is built from these records on demand and saved beside a saved stream.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWrite } from '../cache/block-store';
import type { RecognizedText } from '../ocr/engine';
import { buildTimeline } from './build';
import { changedRegions, colourHistogram, frameLuma, type FrameLuma } from './features';
import type { Timeline, TimelineFrame } from './types';

const FILE = 'timeline.json';

export interface RecordedFrame {
  index: number;
  timeSec: number;
  width: number;
  height: number;
  rgb: Uint8Array;
}

interface TimelineJson {
  version: 1;
  endSec: number;
  frames: TimelineFrame[];
}

export class TimelineRecorder {
  private records: TimelineFrame[] = [];
  private previous: FrameLuma | undefined;
  private built: Timeline | undefined;
  /** Where the source ended, when known (later than the last encoded frame). */
  private endSec = 0;

  get frames(): readonly TimelineFrame[] {
    return this.records;
  }

  /** Adds an encoded frame with its OCR lines; frames arrive in time order. */
  readonly add = (frame: RecordedFrame, texts: RecognizedText[]): void => {
    const luma = frameLuma(frame.rgb, frame.width, frame.height);
    const change = changedRegions(this.previous, luma);
    this.previous = luma;
    this.records.push({
      index: frame.index,
      timeSec: frame.timeSec,
      width: frame.width,
      height: frame.height,
      texts,
      changed: change.regions,
      changedFraction: Number(change.fraction.toFixed(4)),
      histogram: colourHistogram(frame.rgb),
    });
    this.endSec = Math.max(this.endSec, frame.timeSec);
    this.built = undefined;
  };

  /** The source's end time (the last sampled frame, encoded or skipped as unchanged). */
  setEnd(timeSec: number): void {
    if (timeSec > this.endSec) {
      this.endSec = timeSec;
      this.built = undefined;
    }
  }

  /** The timeline of what was recorded so far (built once per new frame). */
  timeline(): Timeline {
    this.built ??= buildTimeline(this.records, this.endSec);
    return this.built;
  }

  toJSON(): TimelineJson {
    return { version: 1, endSec: this.endSec, frames: this.records };
  }

  save(persistDir: string): void {
    atomicWrite(join(persistDir, FILE), Buffer.from(JSON.stringify(this)));
  }

  /** Loads the records saved with a stream; false when there are none or they are unreadable. */
  load(persistDir: string): boolean {
    const path = join(persistDir, FILE);
    if (!existsSync(path)) return false;
    try {
      const json = JSON.parse(readFileSync(path, 'utf8')) as Partial<TimelineJson>;
      if (json.version !== 1 || !Array.isArray(json.frames)) return false;
      this.records = json.frames;
      this.endSec = json.endSec ?? 0;
      this.built = undefined;
      return true;
    } catch {
      return false;
    }
  }
}
