// Scenario: the model families side by side. SmolVLM (Idefics3 layout, 1-D RoPE) and
// Qwen2-VL (M-RoPE) reference folders of the real models' shapes, each timed by
// engine/bench/model-speed.ts against transformers.js on the same folder and dtype: vision
// ms per video frame, decode tokens/s over a ~1.2k-token context, and what one frame costs
// a stream (tokens, positions, float32 KV bytes). Both families run q8 at full size (the
// `auto` dtype; fp32 Qwen2-VL-2B on both sides would need ~20 GB of RAM at once).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureReferenceModel,
  writeReferenceVariant,
  type ReferencePresetName,
} from '../../model/reference';
import type { Scenario } from '../scenario';
import { runTsChild } from '../support/child';
import { ratio, round } from '../support/figures';
import { linkedCopy } from '../support/linked-copy';

interface Family {
  name: string;
  preset: ReferencePresetName;
  /** The picture one video frame becomes before the vision encoder (both sides get it as is). */
  frame: string;
}

/** Full size: SmolVLM-256M's one 512 px tile from a 960x540 frame; a 1280x720 frame at Qwen2-VL's video cap. */
const FULL: Family[] = [
  { name: 'SmolVLM', preset: 'smolvlm-256m-shape', frame: '960x540' },
  { name: 'Qwen2-VL', preset: 'qwen2-vl-2b-shape', frame: '1008x560' },
];
const TINY: Family[] = [
  { name: 'SmolVLM', preset: 'tiny', frame: '960x540' },
  { name: 'Qwen2-VL', preset: 'qwen2-vl-tiny', frame: '128x64' },
];

interface SpeedReport {
  setup: {
    prefillTokens: number;
    decoderFile: string;
    frame: { tokens: number; positions: number; kvBytes: number };
  };
  engine: { visionMsPerTile: number; decodeTokensPerSec: number };
  transformersJs: { visionMsPerTile: number; decodeTokensPerSec: number };
}

export const familiesScenario: Scenario = {
  id: 'families',
  title: 'Model families: SmolVLM and Qwen2-VL, each against transformers.js',
  async run(ctx) {
    const full = !ctx.quick && !ctx.smoke;
    const dtype = full ? 'q8' : 'fp32';
    const context = ctx.smoke ? 64 : ctx.quick ? 300 : 1200;
    const figures: Record<string, unknown> = { dtype, context };
    const ratios: Record<string, number | null> = {};
    for (const family of full ? FULL : TINY) {
      ctx.log(`${family.name} (${family.preset}): preparing the ${dtype} folder`);
      const dir = join(ctx.workDir, 'families', family.preset);
      linkedCopy(await ensureReferenceModel(family.preset), dir);
      if (dtype === 'q8') writeReferenceVariant(dir, 'q8');
      const out = join(ctx.workDir, `families-${family.preset}.json`);
      const args = ['--model', dir, '--preset', family.preset, '--dtype', dtype];
      args.push('--context', String(context), '--image', family.frame);
      args.push('--runs', full ? '1' : '2', '--tokens', ctx.smoke ? '4' : '16', '--out', out);
      await runTsChild('engine/bench/model-speed.ts', args, { signal: ctx.signal });
      const report = JSON.parse(readFileSync(out, 'utf8')) as SpeedReport;
      const { frame } = report.setup;
      figures[family.name] = {
        preset: family.preset,
        frame: family.frame,
        visionMsPerFrame: {
          engine: round(report.engine.visionMsPerTile),
          transformersJs: round(report.transformersJs.visionMsPerTile),
        },
        decodeTokensPerSec: {
          engine: round(report.engine.decodeTokensPerSec),
          transformersJs: round(report.transformersJs.decodeTokensPerSec),
        },
        contextTokens: report.setup.prefillTokens,
        frameTokens: frame.tokens,
        framePositions: frame.positions,
        kvBytesPerFrame: frame.kvBytes,
      };
      ratios[`${family.name} vision ms per frame, transformers.js / engine`] = ratio(
        report.transformersJs.visionMsPerTile,
        report.engine.visionMsPerTile,
      );
      ratios[`${family.name} decode tokens/s, engine / transformers.js`] = ratio(
        report.engine.decodeTokensPerSec,
        report.transformersJs.decodeTokensPerSec,
      );
      ctx.log(
        `${family.name}: vision ${round(report.engine.visionMsPerTile)} ms/frame (transformers.js ${round(report.transformersJs.visionMsPerTile)}), decode ${round(report.engine.decodeTokensPerSec)} tokens/s (${round(report.transformersJs.decodeTokensPerSec)}), ${frame.tokens} tokens / ${frame.positions} positions / ${round(frame.kvBytes / 2 ** 20)} MiB KV per frame`,
      );
    }
    return {
      figures,
      ratios,
      notes: [
        'Reference weights (deterministic, meaningless answers) in the real models’ layer shapes; the q8 files are made from them.',
        'KV bytes per frame are float32 keys and values of all layers for one frame’s tokens in a stream (offloaded blocks are stored at 8 bits, a quarter of that).',
        'Qwen2-VL’s frame is 1280x720 scaled to qwen-vl-utils’ video cap (1008x560, 720 image tokens); its image tokens take fewer positions than tokens (M-RoPE).',
      ],
    };
  },
};
