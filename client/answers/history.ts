// Answers per stream: each question, its streamed tokens, its evidence, its outcome.
// Pure state, no vscode: the answers view renders it, the unit tests drive it.
import type { AskResult, Evidence } from '../../protocol/protocol';

/** Shown (and copied) in place of an answer asked with no model installed. */
export const NO_MODEL_ANSWER =
  'No answer: no model is installed. The evidence is what the built-in encoder found, with the on-screen text of each frame.';

export type AnswerState = 'streaming' | 'done' | 'cancelled' | 'failed';

export interface AnswerEntry {
  /** The askId sent with vlm/ask. */
  id: string;
  /** Stream id, or "image:<path>" for a single-image question. */
  streamKey: string;
  question: string;
  /** Tokens joined in index order. */
  text: string;
  state: AnswerState;
  evidence: Evidence[];
  error?: string;
  truncated?: boolean;
  totalMs?: number;
  tokens?: number;
  /** The span the answer was drawn from, in words, when it is not the whole file. */
  coverage?: string;
  askedAt: number;
  /**
   * Asked while no model was installed: the generated reference model's tokens mean
   * nothing, so the view shows the evidence and a notice instead of them.
   */
  noModel?: boolean;
}

export interface StreamLabel {
  key: string;
  label: string;
  /** Media file the stream reads, for frame thumbnails (absent for live sources). */
  mediaPath?: string;
  /** What a follow-up question is asked about: a video file, an image file, pasted bytes, a live source. */
  kind?: 'video' | 'image' | 'pasted' | 'live';
  /** The file's URI, for follow-ups and for the video player (absent for live and pasted). */
  fileUri?: string;
  /** A pasted image's thumbnail (data: URI), made by the view from the pasted bytes. */
  thumbnail?: string;
}

/** Most relevant first; equally relevant frames in time order. Unscored frames go last. */
export function byRelevance(a: Evidence, b: Evidence): number {
  return (b.score ?? -1) - (a.score ?? -1) || a.timeSec - b.timeSec;
}

/** Evidence with no signal at all: hidden behind "show all" in the view. */
export const noSignal = (e: Evidence) => e.score === 0;

/**
 * Tokens may arrive out of order across the JSON-RPC boundary only in theory; they carry an
 * index, so they are placed by index and the text is their concatenation in order.
 */
export class AnswerHistory {
  private readonly entries = new Map<string, AnswerEntry & { chunks: string[] }>();
  private readonly streams = new Map<string, StreamLabel>();
  private counter = 0;
  private readonly finishedListeners = new Set<(entry: AnswerEntry) => void>();
  /** Whether a real model answers the questions started from now on. */
  modelInstalled = true;

  constructor(private readonly perStreamLimit = 50) {}

  newAskId(): string {
    this.counter += 1;
    return `ask-${Date.now().toString(36)}-${this.counter}`;
  }

  /** Adds a stream, or updates its label and file while keeping what was known. */
  addStream(stream: StreamLabel): void {
    this.streams.set(stream.key, { ...this.streams.get(stream.key), ...stream });
  }

  stream(key: string): StreamLabel | undefined {
    return this.streams.get(key);
  }

  streamsInOrder(): StreamLabel[] {
    return [...this.streams.values()];
  }

  start(id: string, streamKey: string, question: string, now = Date.now()): AnswerEntry {
    const entry = {
      id,
      streamKey,
      question,
      text: '',
      state: 'streaming' as const,
      evidence: [],
      askedAt: now,
      chunks: [],
      ...(this.modelInstalled ? {} : { noModel: true }),
    };
    this.entries.set(id, entry);
    this.trim(streamKey);
    return this.view(entry);
  }

  /** Adds a streamed chunk; returns the entry, or undefined for an unknown or finished ask. */
  token(id: string, index: number, text: string): AnswerEntry | undefined {
    const entry = this.entries.get(id);
    if (!entry || entry.state !== 'streaming') return undefined;
    entry.chunks[index] = text;
    entry.text = entry.chunks.join('');
    return this.view(entry);
  }

  finish(id: string, result: AskResult, coverage?: string): AnswerEntry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    entry.text = result.answer;
    entry.evidence = [...result.evidence].sort(byRelevance);
    entry.state = 'done';
    entry.truncated = result.truncated;
    entry.totalMs = result.timings.totalMs;
    entry.tokens = result.timings.tokens;
    if (coverage) entry.coverage = coverage;
    for (const listener of this.finishedListeners) listener(this.view(entry));
    return this.view(entry);
  }

  /** Calls the listener with each answer that finishes (its evidence is final); returns the unsubscribe. */
  onFinished(listener: (entry: AnswerEntry) => void): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  fail(id: string, error: string, cancelled = false): AnswerEntry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    entry.state = cancelled ? 'cancelled' : 'failed';
    entry.error = error;
    return this.view(entry);
  }

  get(id: string): AnswerEntry | undefined {
    const entry = this.entries.get(id);
    return entry && this.view(entry);
  }

  /** Newest first. */
  forStream(streamKey: string): AnswerEntry[] {
    return [...this.entries.values()]
      .filter((e) => e.streamKey === streamKey)
      .sort((a, b) => b.askedAt - a.askedAt || b.id.localeCompare(a.id))
      .map((e) => this.view(e));
  }

  private trim(streamKey: string): void {
    const old = [...this.entries.values()].filter((e) => e.streamKey === streamKey);
    for (const e of old.slice(0, Math.max(0, old.length - this.perStreamLimit)))
      this.entries.delete(e.id);
  }

  private view(entry: AnswerEntry & { chunks: string[] }): AnswerEntry {
    const { chunks: _chunks, ...rest } = entry;
    return { ...rest, evidence: [...rest.evidence] };
  }
}

/** The answer as Markdown for the clipboard: question, answer, evidence with timestamps. */
export function answerAsMarkdown(entry: AnswerEntry, formatTime: (s: number) => string): string {
  const answer = entry.noModel ? `_${NO_MODEL_ANSWER}_` : entry.text.trim();
  const lines = [`**Q:** ${entry.question}`, '', answer];
  if (entry.evidence.length) {
    lines.push('', 'Evidence:');
    for (const e of entry.evidence) {
      const why = [
        ...(e.score !== undefined ? [`score ${e.score.toFixed(2)}`] : []),
        ...(e.reason ? [e.reason] : []),
      ];
      const detail = why.length ? ` (${why.join(', ')})` : '';
      lines.push(`- ${formatTime(e.timeSec)}${detail}${e.text ? `: ${e.text}` : ''}`);
    }
  }
  return lines.join('\n');
}
