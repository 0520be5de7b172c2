// analyzeScreenshot: what text is on a screen and where, grouped into lines and blocks in
// reading order, and, for a query like "where is the Save button", the elements it means.
import { OcrEngine, type OcrEngineOptions } from './engine';
import { loadRgbImage } from './image-input';
import { buildLayout } from './layout';
import type { CropMemo } from './recognition';
import { understandScreen } from '../screen/understand';
import type { RgbImage, ScreenAnalysis } from './types';

export interface AnalyzeOptions {
  query?: string;
  signal?: AbortSignal;
  /** The engine to run on; defaults to one shared engine created on first use. */
  engine?: OcrEngine;
  /** How many matches to return for a query (default 5). */
  maxMatches?: number;
  /** Reject images with more pixels (default: the engine's limit, 40 M). */
  maxPixels?: number;
  /** Earlier readings to reuse (incremental screenshots); the result is the same without it. */
  memo?: CropMemo;
}

let sharedEngine: Promise<OcrEngine> | undefined;

/** The process-wide engine: sessions are created once, on first use. */
export function sharedOcrEngine(options?: OcrEngineOptions): Promise<OcrEngine> {
  sharedEngine ??= OcrEngine.create(options).catch((error: unknown) => {
    sharedEngine = undefined;
    throw error;
  });
  return sharedEngine;
}

export async function analyzeScreenshot(
  image: string | Buffer | RgbImage,
  options: AnalyzeOptions = {},
): Promise<ScreenAnalysis> {
  const start = performance.now();
  const engine = options.engine ?? (await sharedOcrEngine());
  const rgb =
    typeof image === 'string' || Buffer.isBuffer(image)
      ? await loadRgbImage(image, {
          maxPixels: options.maxPixels ?? engine.maxPixels,
          signal: options.signal,
        })
      : image;
  const decodeMs = performance.now() - start;
  const read = await engine.read(rgb, options.signal, undefined, options.memo);
  const layoutStart = performance.now();
  const layout = buildLayout(read.texts);
  const query = options.query?.trim();
  // Controls, the elements agents act on, and matches that point at controls.
  const screen = understandScreen(rgb, layout, query, options.maxMatches);
  const end = performance.now();
  return {
    width: read.width,
    height: read.height,
    ...layout,
    ui: screen.ui,
    ...(query ? { query, matches: screen.matches } : {}),
    timings: {
      decodeMs,
      detectMs: read.timings.detectMs,
      recognizeMs: read.timings.recognizeMs,
      layoutMs: end - layoutStart - screen.controlsMs,
      controlsMs: screen.controlsMs,
      totalMs: end - start,
    },
  };
}
