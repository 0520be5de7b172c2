// Side-by-side reading of real screenshots by this pipeline and by the off-the-shelf
// `@gutenye/ocr-node` (same PaddleOCR models, its default settings): which verified
// strings each reads, and how long each takes. The peer is a dev dependency, so loading it
// returns a one-line reason instead of throwing where it is absent (production installs).
import { analyzeScreenshot } from '../ocr/analyze';
import type { OcrEngine } from '../ocr/engine';
import { blockText, buildLayout, type Layout, type LayoutInput } from '../ocr/layout';
import type { CorpusScreenshot, ScreenSet } from './ocr-corpus';
import { isRead, rowTexts } from './ocr-recall';

export const PEER_PACKAGE = '@gutenye/ocr-node';

/** The peer's reading of an image: texts with axis-aligned boxes. */
export type PeerReader = (path: string) => Promise<LayoutInput[]>;

interface PeerLine {
  text: string;
  mean: number;
  box: number[][];
}

interface PeerModule {
  default: { create(): Promise<{ detect(path: string): Promise<PeerLine[]> }> };
}

/** The peer, or why it cannot be used. */
export async function loadPeer(): Promise<{ read: PeerReader } | { reason: string }> {
  let module: PeerModule;
  try {
    // A variable specifier keeps bundlers from pulling the dev dependency in; the peer is
    // ESM only, so it must be loaded with import(), never require().
    const specifier = PEER_PACKAGE;
    module = (await import(specifier)) as PeerModule;
  } catch (error) {
    return { reason: `${PEER_PACKAGE} is not installed (a dev dependency): ${firstLine(error)}` };
  }
  const ocr = await module.default.create();
  return {
    read: async (path) => (await ocr.detect(path)).map(toLayoutInput),
  };
}

function toLayoutInput(line: PeerLine): LayoutInput {
  const xs = line.box.map((p) => p[0]);
  const ys = line.box.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return {
    text: line.text,
    confidence: line.mean,
    box: { x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y },
  };
}

const firstLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0];

/**
 * Where a verified string may be read: a line, a block (label above value), or a row across
 * the screen. Both readers' texts go through the same layout, so only the reading differs.
 */
export function readableTexts(layout: Layout): string[] {
  return [
    ...layout.lines.map((l) => l.text),
    ...layout.blocks.map((b) => blockText(layout, b)),
    ...rowTexts(layout.elements),
  ];
}

export interface SideBySide {
  file: string;
  set: ScreenSet;
  pixels: number;
  expected: number;
  ours: { read: number; ms: number };
  peer: { read: number; ms: number };
  /** Verified strings one reads and the other does not. */
  onlyOurs: string[];
  onlyPeer: string[];
  /** Verified strings neither reads. */
  neither: string[];
}

/** Reads one screenshot with both, ours first, and compares the verified strings each reads. */
export async function compareOne(
  shot: CorpusScreenshot,
  engine: OcrEngine,
  peer: PeerReader,
): Promise<SideBySide> {
  let start = performance.now();
  const analysis = await analyzeScreenshot(shot.path, { engine });
  const oursMs = performance.now() - start;
  start = performance.now();
  const peerTexts = await peer(shot.path);
  const peerMs = performance.now() - start;
  const oursLines = readableTexts(analysis);
  const peerLines = readableTexts(buildLayout(peerTexts));
  const byOurs = shot.strings.map((s) => isRead(s, oursLines));
  const byPeer = shot.strings.map((s) => isRead(s, peerLines));
  const where = (keep: (i: number) => boolean) => shot.strings.filter((_, i) => keep(i));
  return {
    file: shot.file,
    set: shot.set,
    pixels: analysis.width * analysis.height,
    expected: shot.strings.length,
    ours: { read: byOurs.filter(Boolean).length, ms: oursMs },
    peer: { read: byPeer.filter(Boolean).length, ms: peerMs },
    onlyOurs: where((i) => byOurs[i] && !byPeer[i]),
    onlyPeer: where((i) => byPeer[i] && !byOurs[i]),
    neither: where((i) => !byOurs[i] && !byPeer[i]),
  };
}

export interface SetTotals {
  screenshots: number;
  expected: number;
  oursRead: number;
  peerRead: number;
  oursRecall: number;
  peerRecall: number;
  /** Milliseconds per 1280x720 worth of pixels, over the whole set. */
  oursMsPer720p: number;
  peerMsPer720p: number;
}

const PIXELS_720P = 1280 * 720;

export function totals(rows: SideBySide[]): SetTotals {
  const sum = (f: (r: SideBySide) => number) => rows.reduce((t, r) => t + f(r), 0);
  const expected = sum((r) => r.expected);
  const frames = sum((r) => r.pixels) / PIXELS_720P;
  return {
    screenshots: rows.length,
    expected,
    oursRead: sum((r) => r.ours.read),
    peerRead: sum((r) => r.peer.read),
    oursRecall: sum((r) => r.ours.read) / expected,
    peerRecall: sum((r) => r.peer.read) / expected,
    oursMsPer720p: sum((r) => r.ours.ms) / frames,
    peerMsPer720p: sum((r) => r.peer.ms) / frames,
  };
}

/** One line per screenshot, then the strings where the two differ. */
export function describeRow(r: SideBySide): string[] {
  const lines = [
    `${r.set} ${r.file}: ours ${r.ours.read}/${r.expected}, peer ${r.peer.read}/${r.expected}; ` +
      `${Math.round(r.ours.ms)} ms vs ${Math.round(r.peer.ms)} ms`,
  ];
  for (const s of r.onlyOurs) lines.push(`  only ours: ${s}`);
  for (const s of r.onlyPeer) lines.push(`  only peer: ${s}`);
  return lines;
}
