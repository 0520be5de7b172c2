// Scenario 4: decoding speed against transformers.js on the same model folder and prompt.
// Runs the model runtime engineer's engine/bench/model-speed.ts in a child process (so
// the two runtimes do not share a heap) and reads the JSON it writes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../scenario';
import { renderBarChart } from '../svg-plot';
import { runTsChild } from '../support/child';
import { ratio, round } from '../support/figures';

interface SpeedFigures {
  visionMsPerTile: number;
  prefillTokensPerSec: number;
  decodeTokensPerSec: number;
}

interface ModelSpeedReport {
  setup: Record<string, unknown>;
  engine: SpeedFigures;
  transformersJs: SpeedFigures;
}

export const decodingScenario: Scenario = {
  id: 'decoding',
  title: 'Decoding speed against transformers.js',
  async run(ctx) {
    const out = join(ctx.workDir, 'model-speed.json');
    const args = ctx.smoke
      ? ['--preset', 'tiny', '--runs', '1', '--tokens', '4']
      : ctx.quick
        ? ['--preset', 'tiny', '--runs', '3', '--tokens', '32']
        : ['--preset', 'smolvlm-256m-shape', '--runs', '2', '--tokens', '16'];
    await runTsChild(
      'engine/bench/model-speed.ts',
      [...args, '--model', ctx.modelDir, '--out', out],
      { signal: ctx.signal },
    );
    const report = JSON.parse(readFileSync(out, 'utf8')) as ModelSpeedReport;
    const ours = report.engine;
    const theirs = report.transformersJs;
    const msPerToken = (f: SpeedFigures) => round(1000 / f.decodeTokensPerSec);
    const decodeSpeedup = ratio(ours.decodeTokensPerSec, theirs.decodeTokensPerSec);
    ctx.log(
      `decode ${round(ours.decodeTokensPerSec)} tokens/s vs transformers.js ${round(theirs.decodeTokensPerSec)} (${decodeSpeedup}x)`,
    );
    return {
      figures: {
        setup: report.setup,
        engine: { ...roundAll(ours), msPerOutputToken: msPerToken(ours) },
        transformersJs: { ...roundAll(theirs), msPerOutputToken: msPerToken(theirs) },
      },
      ratios: {
        'decode tokens/s, engine / transformers.js': decodeSpeedup,
        'prefill tokens/s, engine / transformers.js': ratio(
          ours.prefillTokensPerSec,
          theirs.prefillTokensPerSec,
        ),
        'vision encoder, transformers.js ms / engine ms': ratio(
          theirs.visionMsPerTile,
          ours.visionMsPerTile,
        ),
      },
      targets: [
        {
          name: 'decoding at least as fast as transformers.js',
          target: '>= 1x',
          value: decodeSpeedup,
          met: decodeSpeedup !== null && decodeSpeedup >= 1,
          note: 'both on onnxruntime-node CPU, same folder, prompt and greedy token count',
        },
      ],
      charts: [
        {
          file: 'decoding.svg',
          svg: renderBarChart({
            title: 'Decoding and prefill against transformers.js',
            yLabel: 'tokens per second',
            logY: true,
            groups: ['decode', 'prefill'],
            bars: [
              { name: 'engine', values: [ours.decodeTokensPerSec, ours.prefillTokensPerSec] },
              {
                name: 'transformers.js',
                values: [theirs.decodeTokensPerSec, theirs.prefillTokensPerSec],
              },
            ],
          }),
        },
      ],
      notes: ['measured by engine/bench/model-speed.ts (median of runs after a warm-up run)'],
    };
  },
};

function roundAll(f: SpeedFigures): SpeedFigures {
  return {
    visionMsPerTile: round(f.visionMsPerTile),
    prefillTokensPerSec: round(f.prefillTokensPerSec),
    decodeTokensPerSec: round(f.decodeTokensPerSec),
  };
}
