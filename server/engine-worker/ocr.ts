// Screenshot analysis and on-screen text (worker side), through engine/ocr.
import { decodeFrames } from '../../engine/ingest';
import { analyzeScreenshot as analyze } from '../../engine/ocr/analyze';
import {
  analyzeInSession,
  ScreenSessions,
  type SessionAnalysis,
} from '../../engine/screen/session';
import type { Box as OcrBox, ScreenAnalysis } from '../../engine/ocr/types';
import {
  VlmErrorCodes,
  type AnalyzeScreenshotParams,
  type Box,
  type ScreenshotAnalysis,
} from '../../protocol/protocol';
import { EngineError } from '../engine-host/engine-error';
import { mapEngineError } from './map-engine-error';
import { detectMediaKind } from '../../engine/media';
import { requirePath } from './media';

/** An engine box (w, h) in the protocol's form (width, height). */
export const toBox = (b: OcrBox): Box => ({ x: b.x, y: b.y, width: b.w, height: b.h });

/** The screenshot sessions requests name (`session`), one set per language server. */
const screenSessions = new ScreenSessions();

export async function analyzeImage(
  params: AnalyzeScreenshotParams,
  signal: AbortSignal,
): Promise<ScreenshotAnalysis> {
  const image =
    'uri' in params.image
      ? requirePath(params.image.uri, 'image.uri')
      : Buffer.from(params.image.base64, 'base64');
  const where = 'uri' in params.image ? params.image.uri : 'the base64 image';
  let analysis: ScreenAnalysis;
  try {
    analysis = params.session
      ? await analyzeInSession(screenSessions, params.session, image, {
          query: params.query,
          signal,
        })
      : await analyze(image, { query: params.query, signal });
  } catch (error) {
    throw mapOcrError(error, where);
  }
  return toProtocol(analysis);
}

/** The text on an image, or on the first frame of a video, as lines. */
export async function onScreenText(path: string, signal: AbortSignal): Promise<string> {
  let analysis: ScreenAnalysis;
  try {
    if ((await detectMediaKind(path)) === 'image') analysis = await analyze(path, { signal });
    else {
      const frame = await firstFrame(path, signal);
      analysis = await analyze(
        { width: frame.width, height: frame.height, rgb: frame.rgb },
        { signal },
      );
    }
  } catch (error) {
    throw mapOcrError(error, path);
  }
  return analysis.lines.map((l) => l.text).join('\n');
}

async function firstFrame(path: string, signal: AbortSignal) {
  for await (const frame of decodeFrames(path, { signal, maxWidth: 1920, maxHeight: 1920 }))
    return frame;
  throw new EngineError(VlmErrorCodes.MediaUnreadable, `${path}: no frame could be decoded`);
}

function toProtocol(a: ScreenAnalysis): ScreenshotAnalysis {
  const session = (a as Partial<SessionAnalysis>).session;
  return {
    ...(session ? { session } : {}),
    width: a.width,
    height: a.height,
    elements: a.elements.map((e) => ({
      text: e.text,
      box: toBox(e.box),
      confidence: e.confidence,
    })),
    matches: (a.matches ?? []).map((m) => ({
      text: m.text,
      box: toBox(m.box),
      confidence: m.element >= 0 ? (a.elements[m.element]?.confidence ?? m.score) : m.score,
      role: m.role,
      score: m.score,
    })),
    lines: a.lines.map((l) => ({ text: l.text, box: toBox(l.box) })),
    ui: a.ui.map((e) => ({ ...e, box: toBox(e.box) })),
    timings: {
      totalMs: a.timings.totalMs,
      detectMs: a.timings.detectMs,
      recognizeMs: a.timings.recognizeMs,
    },
  };
}

/** OCR input errors are ingest errors (IngestError), mapped like every other engine error. */
function mapOcrError(error: unknown, where: string): unknown {
  return mapEngineError(error, where);
}
