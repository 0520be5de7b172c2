// Retrieval: combines an attention scorer (or a fallback) with the text-evidence and
// time-hint hooks, and returns the top-k blocks as evidence (ids, times, scores, text).
import type { BlockMeta } from '../block';
import { attentionKeyScorer } from './attention-keys';
import { attentionQueryScorer } from './attention-queries';
import { usableScorer } from './question-vectors';
import { recencyScorer } from './recency';
import { scoreText, type TextEvidenceSource } from './text-evidence';
import { timeHintScorer } from './time-hints';
import type { BlockScorer, Evidence, ScoringRequest } from './types';
import { uniformScorer } from './uniform';

export type { BlockScorer, Evidence, QuestionVectors, ScoringRequest, VectorNeeds } from './types';
export { questionVectors, usableScorer, type QuestionPass } from './question-vectors';
export type { TextEvidenceSource, TextHit } from './text-evidence';
export { FrameTextIndex } from './text-index';
export { parseTimeHint } from './time-hints';

export const SCORER_NAMES = ['queries', 'keys', 'recency', 'uniform'] as const;
export type ScorerName = (typeof SCORER_NAMES)[number];

export function scorerByName(name: ScorerName): BlockScorer {
  switch (name) {
    case 'queries':
      return attentionQueryScorer;
    case 'keys':
      return attentionKeyScorer;
    case 'recency':
      return recencyScorer;
    case 'uniform':
      return uniformScorer;
  }
}

/** Rescales to [0, 1] so weights between scorers mean the same whatever the scorer's scale. */
function minMax(x: Float32Array): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return x.map((v) => (hi > lo ? (v - lo) / (hi - lo) : 0));
}

export interface RetrievalOptions {
  primary: ScorerName;
  textEvidence?: TextEvidenceSource;
  /** Weight of a text match (attention scores are rescaled to [0, 1], weight 1). */
  textWeight?: number;
  /** Weight of a time-hint match; high, because a named moment is explicit. */
  timeWeight?: number;
}

/** Evidence text stays readable: a frame's full OCR text can run to thousands of characters. */
const EVIDENCE_TEXT_CHARS = 300;
function clip(text: string | undefined): string | undefined {
  if (!text || text.length <= EVIDENCE_TEXT_CHARS) return text;
  return `${text.slice(0, EVIDENCE_TEXT_CHARS - 1)}…`;
}

/**
 * Scores every candidate and returns all of them as evidence, best first. The primary
 * scorer gives way to its fallback when request.vectors lacks what it needs.
 */
export async function rankBlocks(
  request: ScoringRequest,
  options: RetrievalOptions,
): Promise<Evidence[]> {
  const { candidates } = request;
  const parts: { name: string; weight: number; values: Float32Array }[] = [];
  const named = scorerByName(options.primary);
  const primary = usableScorer(named, request.vectors) ?? named;
  const raw = await primary.score(request);
  parts.push({ name: primary.name, weight: 1, values: minMax(raw) });
  let matchedText: (string | undefined)[] = [];
  if (options.textEvidence) {
    const text = await scoreText(options.textEvidence, request.question, candidates);
    matchedText = text.texts;
    parts.push({ name: 'text', weight: options.textWeight ?? 2, values: text.scores });
  }
  parts.push({
    name: 'time',
    weight: options.timeWeight ?? 4,
    values: await timeHintScorer.score(request),
  });
  // Only scorers with an opinion this time count in the divisor: the sum then spans [0, 1]
  // whatever the weights, and a question with no time hint is not scored down for it.
  const active = parts.filter((p) => p.values.some((v) => v > 0));
  const total = active.reduce((sum, p) => sum + p.weight, 0);
  const evidence = candidates.map((b: BlockMeta, i): Evidence => {
    const scores: Record<string, number> = {};
    let score = 0;
    let lead: { name: string; weighted: number } | undefined;
    for (const p of parts) {
      scores[p.name] = p.values[i];
      const weighted = p.weight * p.values[i];
      score += weighted;
      if (weighted > 0 && (!lead || weighted > lead.weighted)) lead = { name: p.name, weighted };
    }
    const signal = lead?.name === 'text' || lead?.name === 'time' ? lead.name : undefined;
    return {
      blockId: b.id,
      frameIndex: b.frameIndex,
      timeSec: b.timeSec,
      ...(b.untilSec !== undefined ? { untilSec: b.untilSec } : {}),
      score: total > 0 ? Math.min(1, score / total) : 0,
      scores,
      ...(signal ? { signal } : {}),
      text: clip(matchedText[i] ?? b.text),
    };
  });
  return evidence.sort((a, b) => b.score - a.score || b.timeSec - a.timeSec);
}
