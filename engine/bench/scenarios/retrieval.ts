// Scenario 6: retrieval quality on synthetic needle streams. A stream of distinct noise
// frames; the question's embeddings are the needle frame's own (as if the question showed
// that picture), so the right answer is known. Recall@k: the needle block is among the
// top k retrieved blocks. The needle always sits outside the recent window. Same method as
// the cache engineer's engine/bench/cache-bench.ts, run per scorer.
import { SCORER_NAMES, type ScorerName } from '../../cache/retrieval';
import { ensureReferenceModel } from '../../model/reference';
import { openStream, type StreamModel, type VideoFrame } from '../../stream';
import type { BenchContext, Scenario } from '../scenario';
import { renderBarChart } from '../svg-plot';
import { loadBenchModel } from '../support/bench-model';
import { round } from '../support/figures';

const KS = [1, 3, 5];

export const retrievalScenario: Scenario = {
  id: 'retrieval',
  title: 'Retrieval quality: needle recall@k per scorer',
  async run(ctx) {
    // Every trial encodes a whole stream per scorer; the full-size model needs ~10 s per
    // frame on 2 cores, so needles always run on the tiny reference model.
    const modelDir = ctx.quick ? ctx.modelDir : await ensureReferenceModel('tiny');
    const trials = ctx.smoke ? 1 : ctx.quick ? 4 : 10;
    const frames = ctx.smoke ? 10 : ctx.quick ? 24 : 40;
    const bench = await loadBenchModel(modelDir);
    try {
      const recall: Record<string, Record<string, number>> = {};
      for (const scorer of SCORER_NAMES) {
        recall[scorer] = await recallFor(bench.port, scorer, trials, frames, ctx);
        ctx.log(
          `${scorer.padEnd(8)} ${Object.entries(recall[scorer])
            .map(([k, v]) => `${k} ${v.toFixed(2)}`)
            .join('  ')}`,
        );
      }
      const best = (k: number) => Math.max(...SCORER_NAMES.map((s) => recall[s][`recall@${k}`]));
      const baseline = (k: number) => recall.uniform[`recall@${k}`];
      return {
        figures: { model: modelDir, trials, framesPerStream: frames, recall },
        ratios: Object.fromEntries(
          SCORER_NAMES.filter((s) => s !== 'uniform').map((s) => [
            `${s} recall@3 - uniform recall@3`,
            round(recall[s]['recall@3'] - baseline(3)),
          ]),
        ),
        charts: [
          {
            file: 'retrieval-recall.svg',
            svg: renderBarChart({
              title: `Needle recall@k per scorer (${trials} trials, ${frames} frames)`,
              yLabel: 'recall',
              groups: KS.map((k) => `recall@${k}`),
              bars: SCORER_NAMES.map((s) => ({
                name: s,
                values: KS.map((k) => recall[s][`recall@${k}`]),
              })),
            }),
          },
        ],
        notes: [
          `best recall@1 ${best(1)}, recall@5 ${best(5)}; uniform is the chance baseline`,
          ...(ctx.quick ? [] : ['full mode: needles run on the tiny reference model']),
        ],
      };
    } finally {
      await bench.dispose();
    }
  },
};

async function recallFor(
  model: StreamModel,
  scorer: ScorerName,
  trials: number,
  frames: number,
  ctx: BenchContext,
): Promise<Record<string, number>> {
  const hits = Object.fromEntries(KS.map((k) => [`recall@${k}`, 0]));
  for (let trial = 0; trial < trials; trial++) {
    if (ctx.signal.aborted) throw new Error('cancelled');
    const needle = Math.floor(((trial + 0.5) / trials) * (frames - 8));
    const { embeds: needleEmbeds } = await model.embedFrame(noiseFrame(needle, trial), false);
    const asking: StreamModel = { ...model, embedQuestion: async () => needleEmbeds };
    const stream = await openStream(
      { kind: 'live' },
      {
        model: asking,
        scorer,
        recentBlocks: 4,
        topK: 5,
        memoryBudget: 1e9,
        cacheDir: null,
      },
    );
    try {
      for (let i = 0; i < frames; i++) await stream.pushFrame(noiseFrame(i, trial));
      const r = await stream.ask('which frame?', { maxTokens: 1 });
      const ranked = r.evidence.filter((e) => r.context.retrieved.includes(e.blockId));
      const rank = ranked.findIndex((e) => e.frameIndex === needle);
      for (const k of KS) if (rank >= 0 && rank < k) hits[`recall@${k}`]++;
    } finally {
      await stream.close();
    }
  }
  return Object.fromEntries(Object.entries(hits).map(([k, v]) => [k, round(v / trials)]));
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

function noiseFrame(index: number, seed: number): VideoFrame {
  const next = rng(seed * 7919 + index + 1);
  const rgb = Buffer.alloc(48 * 48 * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = Math.floor(next() * 256);
  return { index, timeSec: index, width: 48, height: 48, rgb };
}
