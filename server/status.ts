// The engine status the client shows in its status bar: derived from what the engine is
// doing now (model loading, asks decoding, screen text being read, streams encoding), the
// scheduler and memory, sent as vlm/engineStatusChanged when it changes.
import type { Connection } from 'vscode-languageserver/node';
import {
  EngineStatusNotification,
  type EngineCapability,
  type EngineState,
  type EngineStatus,
  type StreamSummary,
} from '../protocol/protocol';

/** Work the status names while it runs; counted by track(). */
export type Activity = 'answering' | 'readingText';

/** Phases that outrank any activity: the engine cannot do other work in them. */
const BLOCKING_PHASES = new Set<EngineState>(['starting', 'loadingModel', 'error']);

/**
 * The one state the status bar shows, most specific first: a blocking phase, then an
 * answer being decoded, then screen text being read, then a stream encoding, else idle.
 */
export function deriveState(
  phase: EngineState,
  activities: ReadonlyMap<Activity, number>,
  encodingStreams: number,
): EngineState {
  if (BLOCKING_PHASES.has(phase)) return phase;
  if ((activities.get('answering') ?? 0) > 0) return 'answering';
  if ((activities.get('readingText') ?? 0) > 0) return 'readingText';
  if (encodingStreams > 0) return 'encoding';
  return 'idle';
}

export interface StatusInputs {
  activeJobs: () => number;
  queuedJobs: () => number;
  openStreams: () => number;
  /** Streams whose encoding has not ended. */
  encodingStreams: () => StreamSummary[];
  memoryBytes: () => number;
  capabilities: () => EngineCapability[];
}

export class StatusTracker {
  private phase: { state: EngineState; message?: string; error?: string } = { state: 'starting' };
  private model: string | undefined;
  private encodeFps: number | undefined;
  private readonly activities = new Map<Activity, number>();
  private lastSent = '';
  private timer: NodeJS.Timeout | undefined;
  /** LSP allows no notifications before the client's `initialized`. */
  private enabled = false;

  constructor(
    private readonly connection: Connection,
    private readonly inputs: StatusInputs,
  ) {}

  current(): EngineStatus {
    const activeJobs = this.inputs.activeJobs();
    const encoding = this.inputs.encodingStreams().map((s) => ({
      streamId: s.streamId,
      label: s.label,
      percentage: s.percentage,
    }));
    const state = deriveState(this.phase.state, this.activities, encoding.length);
    return {
      state,
      message: this.phase.message ?? describe(state, encoding),
      model: this.model,
      encodeFps: this.encodeFps,
      activeJobs,
      queuedJobs: this.inputs.queuedJobs(),
      openStreams: this.inputs.openStreams(),
      memoryBytes: this.inputs.memoryBytes(),
      capabilities: this.inputs.capabilities(),
      error: this.phase.error,
      encoding: encoding.length > 0 ? encoding : undefined,
    };
  }

  /** Counts `work` as `activity` until it settles; returns it unchanged. */
  track<T>(activity: Activity, work: Promise<T>): Promise<T> {
    this.activities.set(activity, (this.activities.get(activity) ?? 0) + 1);
    this.changed();
    const end = () => {
      this.activities.set(activity, (this.activities.get(activity) ?? 1) - 1);
      this.changed();
    };
    work.then(end, end);
    return work;
  }

  setPhase(state: EngineState, message?: string, error?: string): void {
    this.phase = { state, message, error };
    this.changed();
  }

  setModel(model: string | undefined): void {
    this.model = model;
    this.changed();
  }

  setEncodeFps(fps: number | undefined): void {
    this.encodeFps = fps;
    this.changed();
  }

  enable(): void {
    this.enabled = true;
    this.changed();
  }

  /** Coalesces bursts of changes into one notification. */
  changed(): void {
    if (this.timer || !this.enabled) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const status = this.current();
      const key = JSON.stringify({ ...status, memoryBytes: 0 });
      if (key === this.lastSent) return;
      this.lastSent = key;
      void this.connection.sendNotification(EngineStatusNotification, status).catch(() => {});
    }, 100);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function describe(state: EngineState, encoding: NonNullable<EngineStatus['encoding']>): string {
  switch (state) {
    case 'encoding': {
      if (encoding.length !== 1) return `encoding ${encoding.length} streams`;
      const [one] = encoding;
      const pct = one.percentage !== undefined ? ` ${Math.floor(one.percentage)}%` : '';
      return `encoding ${one.label}${pct}`;
    }
    case 'answering':
      return 'answering';
    case 'readingText':
      return 'reading screen text';
    case 'loadingModel':
      return 'loading model';
    case 'starting':
      return 'starting';
    case 'error':
      return 'engine error';
    default:
      return 'idle';
  }
}
