// Whether a stream reads its frames' on-screen text. `on` and `off` are the user's word;
// `auto` (the default) decides from the source's content: screenshots and screen
// recordings are read, camera footage is not (reading finds nothing there and makes
// encoding several times slower on a CPU). A file is judged before its stream opens, so
// the same file always gets the same decision and its saved stream the same key.
import { decodeFrames, loadImage } from '../ingest';
import type { MediaKind } from '../media';
import {
  looksLikeScreen,
  screenScore,
  screenFeatures,
  SCREEN_SCORE_THRESHOLD,
} from '../media/screen-like';

export type ScreenTextMode = 'auto' | 'on' | 'off';
export const SCREEN_TEXT_MODES: readonly ScreenTextMode[] = ['auto', 'on', 'off'];

/** A boolean (older callers) means on or off. */
export function screenTextMode(value: ScreenTextMode | boolean | undefined): ScreenTextMode {
  if (value === true) return 'on';
  if (value === false) return 'off';
  return value ?? 'auto';
}

/** Frames of a video judged together: one odd frame (a fade, a splash) does not decide. */
const VIDEO_SAMPLE = { fps: 1, frames: 3 };

/**
 * Whether to read the file's screen text under `mode`. When the file cannot be judged
 * (unreadable, too large) the answer is yes: opening the stream reports the real problem.
 */
export async function readsScreenText(
  mode: ScreenTextMode,
  file: { path: string; kind: MediaKind },
  options: { ffmpegPath?: string; signal?: AbortSignal } = {},
): Promise<boolean> {
  if (mode !== 'auto') return mode === 'on';
  try {
    if (file.kind === 'image') {
      const image = await loadImage(file.path);
      return await looksLikeScreen({ width: image.width, height: image.height, rgb: image.data });
    }
    return await videoLooksLikeScreen(file.path, options);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return true;
  }
}

async function videoLooksLikeScreen(
  path: string,
  options: { ffmpegPath?: string; signal?: AbortSignal },
): Promise<boolean> {
  const scores: number[] = [];
  const frames = decodeFrames(path, { fps: VIDEO_SAMPLE.fps, ...options });
  for await (const frame of frames) {
    scores.push(screenScore(await screenFeatures(frame)));
    if (scores.length >= VIDEO_SAMPLE.frames) break;
  }
  if (scores.length === 0) return true;
  const mean = scores.reduce((s, x) => s + x, 0) / scores.length;
  return mean >= SCREEN_SCORE_THRESHOLD;
}
