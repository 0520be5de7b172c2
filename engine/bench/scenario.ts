// The shape of one benchmark scenario and of the report `vlm bench` writes. Every
// headline figure is a ratio against a baseline measured in the same run, because the
// machines are shared and noisy.

export interface BenchContext {
  /** --quick: tiny reference model, short streams; must finish in minutes on 2 cores. */
  quick: boolean;
  /** Seconds-long configuration for the smoke test (implies quick): checks structure, not speed. */
  smoke?: boolean;
  /** The model folder the scenario should use (a reference preset unless --model). */
  modelDir: string;
  /** Scratch directory for generated videos and caches; removed after the run. */
  workDir: string;
  log: (line: string) => void;
  signal: AbortSignal;
}

/** A product target and where this run stands against it. */
export interface TargetCheck {
  name: string;
  target: string;
  value: number | null;
  met: boolean;
  /** Why it is met or missed, when the figure alone does not say. */
  note?: string;
}

export interface ChartFile {
  /** File name inside the plots directory, e.g. 'latency-vs-length.svg'. */
  file: string;
  svg: string;
}

export interface ScenarioResult {
  /** Raw figures, free-form but JSON-serialisable (ms, bytes, frames/s, counts). */
  figures: Record<string, unknown>;
  /** Ratios against the baseline measured in the same run. */
  ratios: Record<string, number | null>;
  targets?: TargetCheck[];
  charts?: ChartFile[];
  notes?: string[];
}

export interface Scenario {
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<ScenarioResult>;
}

export interface BenchReport {
  date: string;
  mode: 'quick' | 'full';
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  model: string;
  scenarios: Record<
    string,
    (ScenarioResult & { title: string; durationMs: number }) | { title: string; error: string }
  >;
  targets: Array<TargetCheck & { scenario: string }>;
}
