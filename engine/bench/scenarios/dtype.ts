// Scenario: weight dtypes. The reference model's fp32, q8 (MatMulInteger) and q4
// (MatMulNBits) files, made from the same weights (engine/model/reference/variants.ts), are
// each timed by engine/bench/model-speed.ts against transformers.js on the same folder and
// dtype: vision ms per tile, and decode tokens/s over a ~1.2k-token context. Decoding is
// bound by memory traffic, so each dtype's bytes read per token (decoder weights plus the
// float32 KV cache at that context) are set against a copy bandwidth measured in this run.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { VARIANT_SUFFIX, writeReferenceVariant } from '../../model/reference';
import type { Scenario } from '../scenario';
import { runTsChild } from '../support/child';
import { linkedCopy } from '../support/linked-copy';
import { ratio, round } from '../support/figures';

const DTYPES = ['fp32', 'q8', 'q4'] as const;

interface SpeedReport {
  setup: { prefillTokens: number; decoderFile: string };
  engine: { visionMsPerTile: number; decodeTokensPerSec: number };
  transformersJs: { visionMsPerTile: number; decodeTokensPerSec: number };
}

/** Bytes of a decoder file and its external data. */
function decoderBytes(dir: string, file: string): number {
  const onnx = join(dir, file);
  const data = readdirSync(join(dir, 'onnx'))
    .filter((name) => name.startsWith(`${file.slice('onnx/'.length)}_data`))
    .map((name) => statSync(join(dir, 'onnx', name)).size);
  return statSync(onnx).size + data.reduce((a, b) => a + b, 0);
}

/** KV bytes one decoded token reads at `context` positions (float32 keys and values). */
function kvBytes(dir: string, context: number): number {
  const text = (
    JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
      text_config: Record<string, number>;
    }
  ).text_config;
  const headDim = text.head_dim ?? text.hidden_size / text.num_attention_heads;
  return context * text.num_hidden_layers * 2 * text.num_key_value_heads * headDim * 4;
}

/** GB/s of a large Buffer copy: the memory-bandwidth ceiling decoding is measured against. */
function copyBandwidth(bytes: number): number {
  const source = Buffer.alloc(bytes, 1);
  const target = Buffer.alloc(bytes);
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    source.copy(target);
    best = Math.min(best, performance.now() - started);
  }
  // A copy reads and writes every byte.
  return (2 * bytes) / (best / 1000) / 1e9;
}

export const dtypeScenario: Scenario = {
  id: 'dtype',
  title: 'Weight dtypes: fp32, q8 and q4 against transformers.js',
  async run(ctx) {
    const dir = join(ctx.workDir, 'dtype-model', 'reference');
    linkedCopy(ctx.modelDir, dir);
    for (const dtype of ['q8', 'q4'] as const) writeReferenceVariant(dir, dtype);
    const context = ctx.smoke ? 64 : ctx.quick ? 300 : 1200;
    const runs = ctx.smoke ? '1' : '2';
    const tokens = ctx.smoke ? '4' : '16';
    const bandwidth = copyBandwidth((ctx.smoke ? 16 : 256) * 1024 ** 2);
    const figures: Record<string, unknown> = { copyBandwidthGBps: round(bandwidth), context };
    const ratios: Record<string, number | null> = {};
    for (const dtype of DTYPES) {
      const out = join(ctx.workDir, `model-speed-${dtype}.json`);
      await runTsChild(
        'engine/bench/model-speed.ts',
        [
          '--model',
          dir,
          '--dtype',
          dtype,
          '--context',
          String(context),
          '--runs',
          runs,
          '--tokens',
          tokens,
          '--out',
          out,
        ],
        { signal: ctx.signal },
      );
      const report = JSON.parse(readFileSync(out, 'utf8')) as SpeedReport;
      const bytesPerToken =
        decoderBytes(dir, report.setup.decoderFile) + kvBytes(dir, report.setup.prefillTokens);
      const boundTokensPerSec = (bandwidth * 1e9) / bytesPerToken;
      figures[dtype] = {
        decoderFile: report.setup.decoderFile,
        contextTokens: report.setup.prefillTokens,
        engine: report.engine,
        transformersJs: report.transformersJs,
        bytesPerToken,
        bandwidthBoundTokensPerSec: round(boundTokensPerSec),
      };
      ratios[`${dtype} decode tokens/s, engine / transformers.js`] = ratio(
        report.engine.decodeTokensPerSec,
        report.transformersJs.decodeTokensPerSec,
      );
      ratios[`${dtype} decode tokens/s, engine / copy-bandwidth bound`] = ratio(
        report.engine.decodeTokensPerSec,
        boundTokensPerSec,
      );
      ctx.log(
        `${dtype}: decode ${round(report.engine.decodeTokensPerSec)} tokens/s (transformers.js ${round(report.transformersJs.decodeTokensPerSec)}), bound ${round(boundTokensPerSec)}`,
      );
    }
    return {
      figures,
      ratios,
      notes: [
        `The q8 and q4 files (${VARIANT_SUFFIX.q8}, ${VARIANT_SUFFIX.q4}) are made from the reference weights; their answers are as meaningless as fp32's.`,
        'The bound is copy bandwidth / (decoder weight bytes + float32 KV bytes at the context): every weight and cached key is read once per token.',
      ],
    };
  },
};
