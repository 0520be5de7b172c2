// The text index over a video: OCR runs on the frames the frame gate passed (the screen
// changed), each frame's text is stored with its time and boxes, and search answers "when
// does 'TypeError' first appear". It serialises to JSON so it is persisted with the
// stream's cache, and it plugs into retrieval as a text-evidence source.
import { decodeFrames, FrameGate, type FrameGateOptions, type SourceSpec } from '../ingest';
import type { TextEvidenceSource, TextHit as EvidenceHit } from '../cache/retrieval';
import type { OcrEngine, RecognizedText } from './engine';
import { RecognitionCache } from './recognition-cache';
import { normalizeText, levenshtein } from './query';
import type { Box } from './types';

export interface IndexedFrame {
  index: number;
  timeSec: number;
  texts: RecognizedText[];
}

/** One distinct matching text: where and when it first appeared, and how long it stayed. */
export interface TextSearchHit {
  text: string;
  box: Box;
  /** Time of the first indexed frame that shows the text. */
  timeSec: number;
  frameIndex: number;
  /** Time of the last indexed frame that shows it. */
  lastSeenSec: number;
  /** Indexed frames that show it. */
  frames: number;
  /** 1 for an exact (case-insensitive) substring; lower for fuzzy matches. */
  score: number;
}

/** A TextEvidenceSource (engine/cache/retrieval) whose search answers at once. */
export interface SyncEvidenceSource extends TextEvidenceSource {
  search(query: string): EvidenceHit[];
}

export interface TextIndexJson {
  version: 1;
  frames: IndexedFrame[];
}

export interface SearchOptions {
  limit?: number;
  /** Fuzzy matches below this are left out (default 0.75). */
  minScore?: number;
}

const searchForm = (text: string) =>
  normalizeText(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** 1 when the query is a substring of the text; else the best edit similarity of a window of it. */
export function searchScore(query: string, text: string): number {
  const q = searchForm(query);
  const t = searchForm(text);
  if (!q || !t) return 0;
  if (t.includes(q)) return 1;
  if (q.length < 4) return 0; // short words are matched exactly or not at all
  let best = 0;
  for (let len = q.length - 1; len <= q.length + 1; len++)
    for (let s = 0; s + len <= t.length; s++)
      best = Math.max(best, 1 - levenshtein(q, t.slice(s, s + len)) / q.length);
  if (t.length < q.length) best = Math.max(best, 1 - levenshtein(q, t) / q.length);
  return best * 0.95;
}

export class TextIndex {
  private readonly indexed: IndexedFrame[] = [];

  get frames(): readonly IndexedFrame[] {
    return this.indexed;
  }

  /** Adds a frame's text; frames must arrive in time order. */
  addFrame(frame: { index: number; timeSec: number }, texts: RecognizedText[]): void {
    const last = this.indexed[this.indexed.length - 1];
    if (last && frame.timeSec < last.timeSec)
      throw new Error(`text index: frame at ${frame.timeSec}s arrived after ${last.timeSec}s`);
    this.indexed.push({ index: frame.index, timeSec: frame.timeSec, texts });
  }

  /** The text on screen at a time: the last indexed frame at or before it. */
  textAt(timeSec: number): IndexedFrame | undefined {
    let found: IndexedFrame | undefined;
    for (const frame of this.indexed) {
      if (frame.timeSec > timeSec) break;
      found = frame;
    }
    return found;
  }

  /** Every matching text, once, with its first appearance; best match first, then earliest. */
  search(query: string, options: SearchOptions = {}): TextSearchHit[] {
    const minScore = options.minScore ?? 0.75;
    const hits = new Map<string, TextSearchHit>();
    for (const frame of this.indexed) {
      for (const item of frame.texts) {
        const score = searchScore(query, item.text);
        if (score < minScore) continue;
        const key = searchForm(item.text);
        const hit = hits.get(key);
        if (hit) {
          hit.lastSeenSec = frame.timeSec;
          hit.frames++;
        } else
          hits.set(key, {
            text: item.text,
            box: item.box,
            timeSec: frame.timeSec,
            frameIndex: frame.index,
            lastSeenSec: frame.timeSec,
            frames: 1,
            score,
          });
      }
    }
    return [...hits.values()]
      .sort((a, b) => b.score - a.score || a.timeSec - b.timeSec)
      .slice(0, options.limit ?? 20);
  }

  /** For retrieval: one hit per indexed frame that shows matching text. */
  evidenceSource(minScore = 0.75): SyncEvidenceSource {
    return {
      search: (query: string): EvidenceHit[] =>
        this.indexed.flatMap((frame) => {
          const best = frame.texts
            .map((t) => ({ text: t.text, score: searchScore(query, t.text) }))
            .filter((t) => t.score >= minScore)
            .sort((a, b) => b.score - a.score)[0];
          return best ? [{ timeSec: frame.timeSec, frameIndex: frame.index, ...best }] : [];
        }),
    };
  }

  toJSON(): TextIndexJson {
    return { version: 1, frames: this.indexed };
  }

  static fromJSON(json: unknown): TextIndex {
    const value = json as Partial<TextIndexJson> | null;
    if (!value || value.version !== 1 || !Array.isArray(value.frames))
      throw new Error(
        'text index: not a version 1 text index (expected { version: 1, frames: [...] })',
      );
    const index = new TextIndex();
    for (const frame of value.frames) {
      if (typeof frame?.timeSec !== 'number' || !Array.isArray(frame.texts))
        throw new Error('text index: a frame is missing timeSec or texts');
      index.addFrame(frame, frame.texts);
    }
    return index;
  }
}

export interface BuildTextIndexOptions {
  engine: OcrEngine;
  /** Sample the video at this rate before gating (default 2 frames/s). */
  fps?: number;
  /** Gate settings, or false to OCR every sampled frame. */
  gate?: FrameGateOptions | false;
  /** Scale frames down to fit (default 1920x1920): OCR cost grows with text, not pixels, past this. */
  maxWidth?: number;
  maxHeight?: number;
  signal?: AbortSignal;
  /** Skip reading crops identical to ones read in earlier frames (default true). */
  reuseUnchangedText?: boolean;
  /** Called after each sampled frame. */
  onProgress?: (progress: TextIndexProgress) => void;
}

export interface TextIndexProgress {
  framesDecoded: number;
  framesIndexed: number;
  timeSec: number;
}

export interface TextIndexStats extends TextIndexProgress {
  ocrMs: number;
  totalMs: number;
  /** Crops whose text was reused from an earlier frame, and crops read. */
  cropsReused: number;
  cropsRead: number;
}

/** Decodes a video, OCRs the frames the gate passes, and returns the index. */
export async function buildTextIndex(
  source: SourceSpec | string,
  options: BuildTextIndexOptions,
): Promise<{ index: TextIndex; stats: TextIndexStats }> {
  const start = performance.now();
  const index = new TextIndex();
  const gate = options.gate === false ? undefined : new FrameGate(options.gate);
  const cache = options.reuseUnchangedText === false ? undefined : new RecognitionCache();
  const stats: TextIndexStats = {
    cropsReused: 0,
    cropsRead: 0,
    framesDecoded: 0,
    framesIndexed: 0,
    timeSec: 0,
    ocrMs: 0,
    totalMs: 0,
  };
  const frames = decodeFrames(source, {
    fps: options.fps ?? 2,
    maxWidth: options.maxWidth ?? 1920,
    maxHeight: options.maxHeight ?? 1920,
    signal: options.signal,
  });
  for await (const frame of frames) {
    stats.framesDecoded++;
    stats.timeSec = frame.timeSec;
    if (!gate || gate.push(frame).keep) {
      const ocrStart = performance.now();
      const read = await options.engine.read(frame, options.signal, cache);
      stats.ocrMs += performance.now() - ocrStart;
      index.addFrame(frame, read.texts);
      stats.framesIndexed++;
    }
    options.onProgress?.({ ...stats });
  }
  stats.totalMs = performance.now() - start;
  stats.cropsReused = cache?.hits ?? 0;
  stats.cropsRead = cache ? cache.misses : 0;
  return { index, stats };
}
