// The screenshot view's overlay: each text element's box as percentages of the image, so
// the boxes scale with the image at any editor width, and which elements a query matched.
// Pure, no vscode import.
import type { Box, ScreenshotAnalysis, TextElement } from '../../protocol/protocol';

export interface BoxPct {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The box in percent of the image, clipped to the image (OCR boxes may overhang an edge). */
export function boxPercent(box: Box, imageWidth: number, imageHeight: number): BoxPct {
  if (!(imageWidth > 0) || !(imageHeight > 0))
    throw new Error(`image size ${imageWidth} × ${imageHeight}: both must be positive`);
  const x0 = clamp(box.x, 0, imageWidth);
  const y0 = clamp(box.y, 0, imageHeight);
  const x1 = clamp(box.x + Math.max(0, box.width), 0, imageWidth);
  const y1 = clamp(box.y + Math.max(0, box.height), 0, imageHeight);
  return {
    left: (100 * x0) / imageWidth,
    top: (100 * y0) / imageHeight,
    width: (100 * (x1 - x0)) / imageWidth,
    height: (100 * (y1 - y0)) / imageHeight,
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Number.isFinite(v) ? v : lo));
}

/** What the webview draws for one element. */
export interface OverlayBox {
  text: string;
  role: string;
  confidence: number;
  pct: BoxPct;
  /** 0 when not matched, else 1 + its rank among the query's matches (1 = best). */
  matchRank: number;
}

const key = (e: TextElement) => `${e.box.x},${e.box.y},${e.box.width},${e.box.height}|${e.text}`;

export function overlayBoxes(analysis: ScreenshotAnalysis): OverlayBox[] {
  const rank = new Map(analysis.matches.map((m, i) => [key(m), i + 1]));
  return analysis.elements.map((e) => ({
    text: e.text,
    role: e.role ?? 'text',
    confidence: e.confidence,
    pct: boxPercent(e.box, analysis.width, analysis.height),
    matchRank: rank.get(key(e)) ?? 0,
  }));
}

/** "Copy text": the lines in reading order when the server gave them, else the elements top to bottom. */
export function analysisText(analysis: ScreenshotAnalysis): string {
  if (analysis.lines?.length) return analysis.lines.map((l) => l.text).join('\n');
  return [...analysis.elements]
    .sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x)
    .map((e) => e.text)
    .join('\n');
}
