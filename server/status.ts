// The engine status the client shows in its status bar: derived from the scheduler, the
// open streams and memory, sent as vlm/engineStatusChanged when it changes.
import type { Connection } from 'vscode-languageserver/node';
import {
  EngineStatusNotification,
  type EngineCapability,
  type EngineState,
  type EngineStatus,
} from '../protocol/protocol';

export interface StatusInputs {
  activeJobs: () => number;
  queuedJobs: () => number;
  openStreams: () => number;
  memoryBytes: () => number;
  capabilities: () => EngineCapability[];
}

export class StatusTracker {
  private phase: { state: EngineState; message?: string; error?: string } = { state: 'starting' };
  private model: string | undefined;
  private encodeFps: number | undefined;
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
    const state: EngineState =
      this.phase.state === 'idle' && activeJobs > 0
        ? 'answering'
        : this.phase.state === 'idle' && this.encodeFps !== undefined
          ? 'encoding'
          : this.phase.state;
    return {
      state,
      message: this.phase.message ?? describe(state, this.encodeFps, activeJobs),
      model: this.model,
      encodeFps: this.encodeFps,
      activeJobs,
      queuedJobs: this.inputs.queuedJobs(),
      openStreams: this.inputs.openStreams(),
      memoryBytes: this.inputs.memoryBytes(),
      capabilities: this.inputs.capabilities(),
      error: this.phase.error,
    };
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

function describe(state: EngineState, fps: number | undefined, jobs: number): string {
  switch (state) {
    case 'encoding':
      return `encoding at ${(fps ?? 0).toFixed(1)} fps`;
    case 'answering':
      return `answering (${jobs} job${jobs === 1 ? '' : 's'})`;
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
