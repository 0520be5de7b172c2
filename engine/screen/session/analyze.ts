// analyzeInSession: a screenshot analysis that reuses what the session's earlier
// screenshots read. Detection and layout run in full every time (the detector's blocks
// pool over the whole image, so no region of its output can be reused exactly); each text
// crop whose exact input was read before keeps its reading. The result therefore equals
// a fresh analyzeScreenshot of the same image (sameAnalysis), and a small change costs
// detection plus the crops it touched.
import { analyzeScreenshot, sharedOcrEngine, type AnalyzeOptions } from '../../ocr/analyze';
import { loadRgbImage } from '../../ocr/image-input';
import type { RgbImage, ScreenAnalysis } from '../../ocr/types';
import { checkSessionName, type ScreenSessions, type ScreenSessionState } from './store';
import { changedShare, tileSignature } from './tiles';

/** More than this share of changed tiles counts as a new screen: analysed without the memo. */
export const LARGE_CHANGE_SHARE = 0.5;

export type FullAnalysisReason = 'new session' | 'expired' | 'size changed' | 'large change';

export interface SessionReport {
  name: string;
  /** 1 for the session's first screenshot, then counting up. */
  screenshot: number;
  /**
   * 'incremental': readings of unchanged crops were reused; 'full': everything was read;
   * 'unchanged': the image is the previous one, pixel for pixel, and so is the result.
   */
  mode: 'incremental' | 'full' | 'unchanged';
  reason?: FullAnalysisReason;
  /** Share of 32x32 tiles that differ from the session's previous screenshot (1 when none). */
  changedShare: number;
  /** Text crops whose earlier reading was reused, and crops the recognizer read. */
  reusedCrops: number;
  readCrops: number;
}

export type SessionAnalysis = ScreenAnalysis & { session: SessionReport };

/** Why this screenshot is read in full, or undefined when the memo may be used. */
function fullReason(
  fresh: 'new' | 'expired' | undefined,
  state: ScreenSessionState,
  image: RgbImage,
  share: number,
): FullAnalysisReason | undefined {
  if (fresh === 'new') return 'new session';
  if (fresh === 'expired') return 'expired';
  const previous = state.tiles;
  if (previous && (previous.width !== image.width || previous.height !== image.height))
    return 'size changed';
  if (share > LARGE_CHANGE_SHARE) return 'large change';
  return undefined;
}

export async function analyzeInSession(
  sessions: ScreenSessions,
  name: string,
  image: string | Buffer | RgbImage,
  options: Omit<AnalyzeOptions, 'memo'> = {},
): Promise<SessionAnalysis> {
  checkSessionName(name);
  const engine = options.engine ?? (await sharedOcrEngine());
  // Decoded before the session is touched: an unreadable image leaves the session as it was.
  const rgb =
    typeof image === 'string' || Buffer.isBuffer(image)
      ? await loadRgbImage(image, {
          maxPixels: options.maxPixels ?? engine.maxPixels,
          signal: options.signal,
        })
      : image;
  const { state, fresh } = sessions.open(name);
  // One screenshot at a time per session: the memo counts and marks per screenshot.
  const previous = state.busy ?? Promise.resolve();
  let done = () => {};
  state.busy = new Promise<void>((resolve) => (done = resolve));
  await previous;
  try {
    return await analyzeNext(sessions, name, state, fresh, rgb, { ...options, engine });
  } finally {
    done();
  }
}

async function analyzeNext(
  sessions: ScreenSessions,
  name: string,
  state: ScreenSessionState,
  fresh: 'new' | 'expired' | undefined,
  rgb: RgbImage,
  options: Omit<AnalyzeOptions, 'memo'>,
): Promise<SessionAnalysis> {
  const tiles = tileSignature(rgb);
  const share = changedShare(state.tiles, tiles);
  const reason = fullReason(fresh, state, rgb, share);
  const repeat = reason ? undefined : sameAsLast(name, state, share, options);
  if (repeat) return repeat;
  // A new screen shares no crops with the old one: lookups would only cost hashing.
  if (reason) state.memo.clear();
  state.memo.beginFrame();
  const analysis = await analyzeScreenshot(rgb, {
    ...options,
    memo: reason ? rememberOnly(state) : state.memo,
  });
  state.tiles = tiles;
  const { timings, ...result } = analysis;
  void timings;
  state.last = { result, query: options.query, maxMatches: options.maxMatches };
  state.memo.prune(sessions.limits.keepFrames, sessions.limits.maxBytes);
  return {
    ...analysis,
    session: {
      name,
      screenshot: state.memo.frameNumber,
      mode: reason ? 'full' : 'incremental',
      ...(reason ? { reason } : {}),
      changedShare: share,
      reusedCrops: state.memo.counts.reused,
      readCrops: state.memo.counts.read,
    },
  };
}

/**
 * The previous result when the image is the previous one (every tile hash equal) and so is
 * the query: the pipeline is deterministic, so a fresh analysis would give it again.
 */
function sameAsLast(
  name: string,
  state: ScreenSessionState,
  share: number,
  options: Omit<AnalyzeOptions, 'memo'>,
): SessionAnalysis | undefined {
  const last = state.last;
  if (share !== 0 || !last) return undefined;
  if (last.query !== options.query || last.maxMatches !== options.maxMatches) return undefined;
  const start = performance.now();
  state.memo.beginFrame();
  // Its crops count as used by this screenshot too, so they outlive it in the memo.
  state.memo.touchPrevious();
  return {
    ...last.result,
    timings: {
      decodeMs: 0,
      detectMs: 0,
      recognizeMs: 0,
      layoutMs: 0,
      controlsMs: 0,
      totalMs: performance.now() - start,
    },
    session: {
      name,
      screenshot: state.memo.frameNumber,
      mode: 'unchanged',
      changedShare: 0,
      reusedCrops: 0,
      readCrops: 0,
    },
  };
}

/** The memo without lookups: every crop is read and stored for the next screenshot. */
function rememberOnly(state: ScreenSessionState): AnalyzeOptions['memo'] {
  const memo = state.memo;
  return {
    lookup: () => undefined,
    store: (image, box, width, stride, read) => memo.store(image, box, width, stride, read),
  };
}
