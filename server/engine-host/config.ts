// Engine settings inside the worker: the editor's `vlm` settings (initialization options,
// then workspace settings), applied over the environment the engine reads by default.
import { defaultCacheDir } from '../../engine/config';
import type { VlmSettings } from '../../protocol/protocol';

let settings: VlmSettings = {};

/** A positive finite number, or undefined (bad values fall back to the engine's defaults). */
export function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

export function configure(next: VlmSettings): void {
  settings = next ?? {};
  // engine/ingest resolves ffmpeg from FFMPEG_PATH when no setting is passed down; this
  // worker has its own copy of the environment, so this changes nothing outside it.
  if (settings.ffmpegPath) process.env.FFMPEG_PATH = settings.ffmpegPath;
}

export function engineSettings(): VlmSettings {
  return settings;
}

export function cacheDir(): string {
  return settings.cacheDir || defaultCacheDir();
}
