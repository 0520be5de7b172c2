// Engine settings inside the worker: the editor's `vlm` settings (initialization options,
// then workspace settings), applied over the environment the engine reads by default, and
// the one engine session they configure.
import type { ExecutionProviderChoice } from '../../engine/config';
import { DTYPE_CHOICES, type DtypeChoice } from '../../engine/model';
import { EngineSession, type SessionSettings } from '../../engine/session';
import type { VlmSettings } from '../../protocol/protocol';
import { uriToPath } from '../uri';

let settings: VlmSettings = {};
const session = new EngineSession(sessionSettings(settings));

/** A positive finite number, or undefined (bad values fall back to the engine's defaults). */
export function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** A known dtype, or undefined (the engine's default: VLM_DTYPE, else auto). */
function dtypeChoice(value: unknown): DtypeChoice | undefined {
  return (DTYPE_CHOICES as readonly unknown[]).includes(value) ? (value as DtypeChoice) : undefined;
}

export function configure(next: VlmSettings): void {
  settings = next ?? {};
  // engine/ingest resolves ffmpeg from FFMPEG_PATH when no setting is passed down; this
  // worker has its own copy of the environment, so this changes nothing outside it.
  if (settings.ffmpegPath) process.env.FFMPEG_PATH = settings.ffmpegPath;
  session.configure(sessionSettings(settings));
}

export function engineSettings(): VlmSettings {
  return settings;
}

/** The engine session every request of this worker goes through. */
export function engineSession(): EngineSession {
  return session;
}

function sessionSettings(s: VlmSettings): SessionSettings {
  return {
    model: s.modelPath ? (uriToPath(s.modelPath) ?? s.modelPath) : undefined,
    cacheDir: s.cacheDir || undefined,
    provider: (s.executionProvider || undefined) as ExecutionProviderChoice | undefined,
    threads: positive(s.threads),
    dtype: dtypeChoice(s.modelDtype),
    // The vlm.remote settings, else VLM_REMOTE_* in this process's environment.
    remote: s.remote ?? {},
    ffmpegPath: s.ffmpegPath || undefined,
  };
}
