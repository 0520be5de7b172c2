// Frames and models for stream tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VideoFrame } from '../../../engine/stream';
import { SyntheticModel } from '../../../engine/bench/support/synthetic-model';

/** An 8x8 frame whose colour changes with the index (distinct content per frame). */
export function colorFrame(index: number, fps = 1): VideoFrame {
  const rgb = Buffer.alloc(8 * 8 * 3);
  for (let i = 0; i < 64; i++) {
    rgb[i * 3] = (index * 37 + i) % 256;
    rgb[i * 3 + 1] = (index * 91) % 256;
    rgb[i * 3 + 2] = (index * 13 + 2 * i) % 256;
  }
  return { index, timeSec: index / fps, width: 8, height: 8, rgb };
}

export async function* colorFrames(count: number): AsyncIterable<VideoFrame> {
  for (let i = 0; i < count; i++) yield colorFrame(i);
}

export function syntheticModel(): SyntheticModel {
  return new SyntheticModel({ maxPositions: 4096 });
}

export function tempDir(t: { after: (fn: () => void) => void }, prefix = 'vlm-stream-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
