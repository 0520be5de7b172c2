// Scenario: `vlm ask` end to end per weight dtype, as a user runs it on a CPU. One real
// screen recording of about two minutes (the committed screen recordings joined,
// support/screen-montage.ts) is asked about once per dtype, each in its own process:
// ffmpeg decoding, the frame gate, on-screen text, the vision encoder, the KV cache and
// the answer. Figures: the real-time factor (recording seconds per wall second, so above 1
// is faster than real time) and the process's peak RSS. fp32 is the baseline of the run.
import { join } from 'node:path';
import { writeReferenceVariant } from '../../model/reference';
import type { Scenario, TargetCheck } from '../scenario';
import { runTsChild } from '../support/child';
import { ratio, round } from '../support/figures';
import { linkedCopy } from '../support/linked-copy';
import { realScreenRecordings, writeMontage } from '../support/screen-montage';

const DTYPES = ['fp32', 'q8', 'q4'] as const;
type Dtype = (typeof DTYPES)[number];
const QUESTION = 'Which command was typed last, and what did it print?';
// The aim for a CPU user of the 256M model on a laptop-class CPU.
const TARGET_RTF = 1.5;
const TARGET_RSS_BYTES = 1024 ** 3;

interface AskRun {
  wallSec: number;
  realTimeFactor: number;
  peakRssMB: number;
  framesEncoded: number;
  framesSkipped: number;
  encodeMsPerFrame: number;
  answerMs: number;
}

interface AskJson {
  timings: { encodeMs: number; totalMs: number };
  cache: { framesEncoded: number; framesSkipped: number };
}

/** The ask's --json object: everything on stdout before the RESULT line. */
function askJson(stdout: string): AskJson {
  const text = stdout.slice(0, stdout.lastIndexOf('\nRESULT '));
  return JSON.parse(text) as AskJson;
}

async function askOnce(
  model: string,
  dtype: Dtype,
  video: string,
  durationSec: number,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<AskRun> {
  const args = [video, QUESTION, '--model', model, '--dtype', dtype, '--no-cache', '--json'];
  const run = await runTsChild('engine/bench/support/ask-child.ts', args, { signal, env });
  const result = run.result as { wallMs: number; peakRssBytes: number };
  const ask = askJson(run.stdout);
  const wallSec = result.wallMs / 1000;
  return {
    wallSec: round(wallSec),
    realTimeFactor: round(durationSec / wallSec),
    peakRssMB: Math.round(result.peakRssBytes / 1024 ** 2),
    framesEncoded: ask.cache.framesEncoded,
    framesSkipped: ask.cache.framesSkipped,
    encodeMsPerFrame: Math.round(ask.timings.encodeMs / Math.max(1, ask.cache.framesEncoded)),
    answerMs: Math.round(ask.timings.totalMs),
  };
}

function targets(runs: Record<Dtype, AskRun>, full: boolean): TargetCheck[] {
  const note = full ? undefined : 'quick mode: the tiny reference model, not the 256M shape';
  const q8 = runs.q8;
  return [
    {
      name: 'vlm ask real-time factor, q8 (the auto dtype), 2-minute real screen recording',
      target: `>= ${TARGET_RTF}`,
      value: q8.realTimeFactor,
      met: q8.realTimeFactor >= TARGET_RTF,
      note,
    },
    {
      name: 'vlm ask peak RSS, q8 (the auto dtype), 2-minute real screen recording',
      target: '<= 1 GB',
      value: q8.peakRssMB,
      met: q8.peakRssMB * 1024 ** 2 <= TARGET_RSS_BYTES,
      note,
    },
  ];
}

export const askRtfScenario: Scenario = {
  id: 'ask-rtf',
  title: 'vlm ask end to end per dtype: real-time factor and peak RSS',
  async run(ctx) {
    const recordings = realScreenRecordings();
    const inputs = ctx.smoke
      ? recordings.slice(0, 1)
      : ctx.quick
        ? recordings.slice(0, 3)
        : recordings;
    const video = join(ctx.workDir, 'screen-montage.mp4');
    const durationSec = await writeMontage(inputs, video, ctx.signal);
    const model = join(ctx.workDir, 'ask-rtf-model');
    linkedCopy(ctx.modelDir, model);
    for (const dtype of ['q8', 'q4'] as const) writeReferenceVariant(model, dtype);
    const env = {
      ...process.env,
      HF_HUB_OFFLINE: '1',
      VLM_CACHE_DIR: join(ctx.workDir, 'ask-rtf-cache'),
    };
    const runs = {} as Record<Dtype, AskRun>;
    for (const dtype of DTYPES) {
      runs[dtype] = await askOnce(model, dtype, video, durationSec, env, ctx.signal);
      const r = runs[dtype];
      ctx.log(
        `${dtype}: ${r.wallSec} s for ${round(durationSec)} s of video (real-time factor ${r.realTimeFactor}), peak RSS ${r.peakRssMB} MB, ${r.encodeMsPerFrame} ms per encoded frame`,
      );
    }
    return {
      figures: {
        video: { seconds: round(durationSec), recordings: inputs.length, size: '1280x720' },
        question: QUESTION,
        ...runs,
      },
      ratios: {
        'real-time factor, q8 / fp32': ratio(runs.q8.realTimeFactor, runs.fp32.realTimeFactor),
        'real-time factor, q4 / fp32': ratio(runs.q4.realTimeFactor, runs.fp32.realTimeFactor),
        'peak RSS, q8 / fp32': ratio(runs.q8.peakRssMB, runs.fp32.peakRssMB),
        'peak RSS, q4 / fp32': ratio(runs.q4.peakRssMB, runs.fp32.peakRssMB),
      },
      targets: targets(runs, !ctx.quick),
      notes: [
        'Each dtype runs in its own process (`vlm ask --no-cache --json`, default settings: 1 frame per second, the frame gate, on-screen text read because the pixels look like a screen).',
        'The q8 and q4 files are made from the reference weights: the answers mean nothing, the work per frame is the real model shape.',
      ],
    };
  },
};
