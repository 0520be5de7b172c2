// A debug probe for memory hunts (the soak, docs/hardening.md): off unless VLM_MEMORY_PROBE
// names a folder. Then each thread that starts it appends a sample of its memory every
// few seconds to <folder>/memory.jsonl, and on SIGUSR2 the server writes heap snapshots of
// its main thread and of the engine worker there, so two points in a run can be diffed.
import { appendFileSync, createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { writeHeapSnapshot } from 'node:v8';
import type { Worker } from 'node:worker_threads';

const PERIOD_MS = 5000;

export interface MemorySample {
  t: number;
  role: string;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** From /proc/self/status: anonymous and file-backed resident pages (Linux only). */
  rssAnon?: number;
  rssFile?: number;
}

export function memoryProbeFolder(): string | undefined {
  return process.env.VLM_MEMORY_PROBE || undefined;
}

export function sampleMemory(role: string): MemorySample {
  const m = process.memoryUsage();
  return {
    t: Date.now(),
    role,
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    ...residentKinds(),
  };
}

function residentKinds(): Pick<MemorySample, 'rssAnon' | 'rssFile'> {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
    return { rssAnon: kib('RssAnon') * 1024, rssFile: kib('RssFile') * 1024 };
  } catch {
    return {};
  }
}

/** Samples this thread's memory into the probe folder; a no-op when the probe is off. */
export function startMemorySampling(role: string): void {
  const folder = memoryProbeFolder();
  if (!folder) return;
  const file = join(folder, 'memory.jsonl');
  const write = () => appendFileSync(file, `${JSON.stringify(sampleMemory(role))}\n`);
  write();
  setInterval(write, PERIOD_MS).unref();
}

/** On SIGUSR2, heap snapshots of this thread and of the engine worker (when one runs). */
export function snapshotOnSignal(worker: () => Worker | undefined): void {
  const folder = memoryProbeFolder();
  if (!folder) return;
  let count = 0;
  process.on('SIGUSR2', () => {
    const n = ++count;
    writeHeapSnapshot(join(folder, `main-${n}.heapsnapshot`));
    const w = worker();
    if (!w) return;
    void w
      .getHeapSnapshot()
      .then((stream) =>
        pipeline(stream, createWriteStream(join(folder, `worker-${n}.heapsnapshot`))),
      )
      .then(() => appendFileSync(join(folder, 'snapshots.log'), `${n}\n`))
      .catch((error: unknown) =>
        process.stderr.write(`vlm server: worker heap snapshot failed: ${String(error)}\n`),
      );
  });
}
