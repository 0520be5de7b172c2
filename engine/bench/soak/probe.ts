// What a server process holds, read from Linux /proc: resident memory (VmRSS, which counts
// the engine's worker thread and onnxruntime's native arenas too) and open file descriptors.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessSample {
  rssBytes: number;
  fds: number;
}

export function sampleProcess(pid: number): ProcessSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return { rssBytes: Number(kib) * 1024, fds: readdirSync(`/proc/${pid}/fd`).length };
}

/** Whether /proc can be read here (Linux); the soak needs it. */
export function canProbe(): boolean {
  try {
    sampleProcess(process.pid);
    return true;
  } catch {
    return false;
  }
}

/** The median of `count` samples `gapMs` apart: one sample catches a GC mid-way. */
export async function settledSample(
  pid: number,
  count = 3,
  gapMs = 1000,
): Promise<ProcessSample & { samples: ProcessSample[] }> {
  const samples: ProcessSample[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    samples.push(sampleProcess(pid));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
  return {
    rssBytes: median(samples.map((s) => s.rssBytes)),
    fds: median(samples.map((s) => s.fds)),
    samples,
  };
}
