// What `vlm ask` prints: the answer (or, with no model installed, a one-line notice on
// how to get one), the evidence with each frame's on-screen text, the cache tiers and
// the timings, as text or as one JSON object. The generated reference model's tokens mean
// nothing, so they are shown only when asked for, and labelled.
import { formatTime } from '../cache/block';
import { DEFAULT_MODEL_REPO } from '../hub';
import type { SessionAnswer } from '../session';
import type { StreamStats, TierStats } from '../stream';
import { formatBytes } from '../util/files';
import { printable } from './printable';

export const PULL_COMMAND = `vlm model pull ${DEFAULT_MODEL_REPO}`;

/** One line, on stdout and stderr, when no model is installed. */
export const NO_MODEL_NOTICE =
  `No model is installed, so there is no answer, only the evidence below (frames found by the ` +
  `built-in encoder, with their on-screen text). Get a model: ${PULL_COMMAND} (or --model DIR).`;

export const REFERENCE_ANSWER_LABEL = 'Reference model answer (generated weights, not meaningful):';

export const REFERENCE_RETRIEVAL_NOTICE =
  'Note: no local model is installed, so the built-in reference model encodes the frames and ' +
  `retrieval scores are not meaningful; the answer comes from the remote server. Get a model: ${PULL_COMMAND}.`;

/** Which model answered, as `--json` reports it. */
export interface AskModelInfo {
  id: string;
  /** False when no model is installed and the reference model stood in. */
  installed: boolean;
  /** The reference model's tokens are shown (--reference, or --model reference:…). */
  showReference: boolean;
  /** A remote server generated the answer. */
  remote: boolean;
  /** The Hub repository and commit of a pulled model. */
  hub?: { repo: string; revision: string };
}

/** The answer field: null when it would only be the reference model's meaningless tokens. */
function answerOf(r: SessionAnswer, m: AskModelInfo): string | null {
  return m.installed || m.remote ? r.answer : null;
}

export function askJson(
  r: SessionAnswer,
  m: AskModelInfo,
  extra: { reopened: boolean; warnings: string[] },
) {
  const noModel = !m.installed && !m.remote;
  return {
    answer: answerOf(r, m),
    ...(noModel && m.showReference ? { referenceAnswer: r.answer } : {}),
    model: {
      id: m.id,
      installed: m.installed,
      ...(m.hub ? { repo: m.hub.repo, revision: m.hub.revision } : {}),
      ...(noModel ? { pull: PULL_COMMAND } : {}),
    },
    ...(noModel ? { notice: NO_MODEL_NOTICE } : {}),
    evidence: r.evidence.map((e) => ({
      timeSec: e.timeSec,
      frameIndex: e.frameIndex,
      score: Number(e.score.toFixed(4)),
      ...(e.untilSec !== undefined ? { untilSec: e.untilSec } : {}),
      scores: e.scores,
      ...(e.text ? { text: e.text } : {}),
      retrieved: e.retrieved,
      reason: e.reason,
      ...(e.event ? { event: e.event } : {}),
    })),
    timings: {
      ttftMs: round(r.timings.ttftMs),
      tpotMs: round(r.timings.tpotMs),
      totalMs: round(r.timings.totalMs),
      encodeMs: round(r.timings.encodeMs),
      retrievalMs: round(r.timings.retrievalMs),
    },
    cache: {
      policy: r.cache.policy,
      sink: tierJson(r.cache.sink),
      recent: tierJson(r.cache.recent),
      retrievable: tierJson(r.cache.retrievable),
      framesEncoded: r.cache.framesEncoded,
      framesSkipped: r.cache.framesSkipped,
      reopened: extra.reopened,
    },
    warnings: extra.warnings,
  };
}

function tierJson(t: TierStats) {
  return {
    blocks: t.blocks,
    tokens: t.tokens,
    bytes: t.ramBytes + t.diskBytes,
    ramBytes: t.ramBytes,
    diskBytes: t.diskBytes,
    hits: t.hits,
    misses: t.misses,
    evictions: t.evictions,
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** "0:12", or "0:12-0:47" when the frame stayed unchanged on screen over that span. */
function when(e: { timeSec: number; untilSec?: number }): string {
  const start = formatTime(e.timeSec);
  const end = e.untilSec !== undefined ? formatTime(e.untilSec) : start;
  return end === start ? start : `${start}-${end}`;
}

/** Evidence frames printed; --json carries them all. */
const EVIDENCE_SHOWN = 8;
/** On-screen text beyond this many characters per frame is cut in the text report. */
const TEXT_SHOWN = 400;

export function formatEvidence(r: SessionAnswer): string[] {
  const lines = ['Evidence'];
  if (r.evidence.length === 0) lines.push('  (none)');
  for (const e of r.evidence.slice(0, EVIDENCE_SHOWN)) {
    lines.push(
      `  ${when(e).padStart(13)}  frame ${String(e.frameIndex).padEnd(5)} score ${e.score.toFixed(3)}  ${e.reason}`,
    );
    if (e.event) lines.push(`  ${''.padStart(13)}  why: ${printable(e.event.reason)}`);
    if (e.text) {
      const text = printable(e.text);
      lines.push(
        `  ${''.padStart(13)}  text: ${text.length > TEXT_SHOWN ? `${text.slice(0, TEXT_SHOWN)}…` : text}`,
      );
    }
  }
  return lines;
}

/** Everything after the answer: evidence, cache tiers, timings. */
export function formatReport(r: SessionAnswer, reopened: boolean): string {
  const lines = ['', ...formatEvidence(r)];
  lines.push('', `Cache (${r.cache.policy}${reopened ? ', reopened from disk' : ''})`);
  lines.push(...formatTiers(r.cache));
  const t = r.timings;
  lines.push(
    '',
    `Timings  ttft ${t.ttftMs.toFixed(0)} ms  tpot ${t.tpotMs.toFixed(1)} ms  total ${t.totalMs.toFixed(0)} ms  encode ${t.encodeMs.toFixed(0)} ms`,
  );
  return lines.join('\n');
}

export function formatTiers(c: StreamStats): string[] {
  const row = (name: string, t: TierStats) =>
    `  ${name.padEnd(12)} ${String(t.blocks).padStart(5)} blocks ${String(t.tokens).padStart(7)} tokens  RAM ${formatBytes(t.ramBytes).padStart(9)}  disk ${formatBytes(t.diskBytes).padStart(9)}  hits ${t.hits} misses ${t.misses} evictions ${t.evictions}`;
  return [
    row('sink', c.sink),
    row('recent', c.recent),
    row('retrievable', c.retrievable),
    `  frames ${c.framesEncoded} encoded, ${c.framesSkipped} skipped as unchanged`,
  ];
}
