// A stream opened by the engine session: ask it, read its cache and text, stop or close it.
import type { MediaKind } from '../media';
import type { TextSearchHit } from '../ocr/text-index';
import type {
  AskResult,
  BlockLocation,
  Evidence,
  ExternalGenerator,
  StreamStats,
  VideoStream,
} from '../stream';
import { SESSION_DEFAULTS } from './defaults';
import type { LoadedModel } from './models';
import type { ScreenText } from './screen-text';
import {
  fuseTimelineEvidence,
  searchTimeline,
  type Timeline,
  type TimelineEventRef,
  type TimelineRecorder,
} from '../timeline';
import { checkQuestion } from './validate';
import { evidenceReason, type EvidenceReason } from './evidence-reason';

/** Evidence with whether its block came back from the offloaded tier for this answer. */
export interface SessionEvidence extends Evidence {
  retrieved: boolean;
  /** Why this frame is evidence: its cache tier, or the text or time signal that chose it. */
  reason: EvidenceReason;
  /** The timeline event (text, typing, UI change, cut) that made this moment evidence. */
  event?: TimelineEventRef;
}

/** The part of the source an answer could draw on, so that callers can say so. */
export interface AnswerCoverage {
  /** Earliest and latest encoded frame time when the question was asked, seconds. */
  fromSec: number;
  toSec: number;
  /** True when the whole source had been encoded; false for a partial file or a live source. */
  complete: boolean;
  live: boolean;
}

export interface SessionAnswer extends Omit<AskResult, 'evidence'> {
  evidence: SessionEvidence[];
  /** True when a remote server generated the answer. */
  remote: boolean;
  coverage: AnswerCoverage;
}

export interface SessionAskOptions {
  maxTokens?: number;
  signal?: AbortSignal;
  onToken?: (text: string) => void;
}

/** How often an ask that came before the first frame looks again. */
const FIRST_FRAME_POLL_MS = 50;

export class SessionStream {
  readonly kind: MediaKind | 'live';
  readonly model: LoadedModel;
  readonly warnings: string[];
  /** Aborting it stops encoding; what was encoded stays askable. */
  private readonly encoding: AbortController;
  private readonly stream: VideoStream;
  private readonly screenText?: ScreenText;
  private readonly recorder?: TimelineRecorder;
  private readonly generator?: ExternalGenerator;
  /** Set when the source has been read to its end. */
  private ingested = false;

  constructor(parts: {
    stream: VideoStream;
    kind: MediaKind | 'live';
    model: LoadedModel;
    screenText?: ScreenText;
    timeline?: TimelineRecorder;
    warnings: string[];
    generator?: ExternalGenerator;
    encoding: AbortController;
  }) {
    this.encoding = parts.encoding;
    this.stream = parts.stream;
    this.kind = parts.kind;
    this.model = parts.model;
    this.screenText = parts.screenText;
    this.recorder = parts.timeline;
    this.warnings = parts.warnings;
    this.generator = parts.generator;
    this.stream.ready.then(
      () => (this.ingested = true),
      () => undefined,
    );
  }

  get id(): string {
    return this.stream.id;
  }

  /** Resolves when the source is fully ingested (and saved, when persisted). */
  get ready(): Promise<void> {
    return this.stream.ready;
  }

  get reopened(): boolean {
    return this.stream.reopened;
  }

  get persistDir(): string | null {
    return this.stream.persistDir;
  }

  /** Whether the stream reads on-screen text (and so can be searched). */
  get hasScreenText(): boolean {
    return this.screenText !== undefined;
  }

  /**
   * Answers from what is encoded so far. An ask sent before the first frame is encoded
   * waits for it (or for the source to end): an answer from no frames has no evidence.
   */
  async ask(question: string, options: SessionAskOptions = {}): Promise<SessionAnswer> {
    checkQuestion(question);
    await this.firstFrame(options.signal);
    const coverage = this.coverage();
    const result = await this.stream.ask(question, {
      maxTokens: options.maxTokens ?? SESSION_DEFAULTS.maxTokens,
      signal: options.signal,
      onToken: options.onToken,
      generator: this.generator,
    });
    const broughtBack = new Set(result.context.retrieved);
    const evidence = result.evidence.map((e) => ({ ...e, retrieved: broughtBack.has(e.blockId) }));
    const blocks = this.stream.blocks();
    const fused = this.recorder
      ? fuseTimelineEvidence(
          evidence,
          searchTimeline(this.recorder.timeline(), question),
          blocks,
          (b) => ({ ...b, score: 0, scores: {}, retrieved: false }),
        )
      : evidence;
    const context = {
      sinkId: blocks.find((b) => b.tier === 'sink')?.blockId,
      recent: result.context.recent,
      retrieved: result.context.retrieved,
    };
    return {
      ...result,
      evidence: fused.map((e) => ({ ...e, reason: evidenceReason(e, context) })),
      remote: this.generator !== undefined,
      coverage,
    };
  }

  /** What is encoded now: the span an answer asked now draws on. */
  coverage(): AnswerCoverage {
    const fromSec = this.stream.blocks().reduce((min, b) => Math.min(min, b.timeSec), Infinity);
    return {
      fromSec: Number.isFinite(fromSec) ? fromSec : 0,
      toSec: this.stream.stats().streamEndSec,
      complete: this.ingested && !this.encodingStopped,
      live: this.kind === 'live',
    };
  }

  /** What happens when: text tracks, typing, UI events and cuts; needs screen text. */
  timeline(): Timeline {
    if (!this.recorder)
      throw new Error(
        'this stream was opened without on-screen text; open it with screen text on for its timeline',
      );
    return this.recorder.timeline();
  }

  stats(): StreamStats {
    return this.stream.stats();
  }

  blocks(): BlockLocation[] {
    return this.stream.blocks();
  }

  /** Where and when text appears on screen; needs a stream opened with screen text. */
  searchText(query: string, limit = 20): TextSearchHit[] {
    if (!this.screenText)
      throw new Error(
        'this stream was opened without on-screen text; open it with screen text on to search it',
      );
    return this.screenText.index.search(query, { limit });
  }

  /** Stops reading the source; the frames encoded so far stay askable (and are not saved). */
  stopEncoding(): void {
    this.encoding.abort();
  }

  get encodingStopped(): boolean {
    return this.encoding.signal.aborted;
  }

  /**
   * Stops encoding, closes the stream and waits until its ingest has stopped, so that no
   * model or OCR run of this stream is still going when the caller moves on (a worker
   * thread terminated in the middle of a native run can take the process down with it).
   */
  async close(): Promise<void> {
    this.encoding.abort();
    await this.stream.close();
    await this.stream.ready.catch(() => undefined);
  }

  private async firstFrame(signal?: AbortSignal): Promise<void> {
    let settled = false;
    const done = this.stream.ready.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled && this.stream.stats().framesEncoded === 0) {
      signal?.throwIfAborted();
      await Promise.race([done, new Promise((r) => setTimeout(r, FIRST_FRAME_POLL_MS))]);
    }
    signal?.throwIfAborted();
  }
}
