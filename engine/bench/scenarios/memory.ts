// Scenario 2: memory against video length. Each approach and length runs in its own child
// process (shared with the latency scenario); peak RSS is that process's maxRSS from
// process.resourceUsage(), which includes the model weights and onnxruntime's arenas but
// not the ffmpeg child. KV bytes come from the stream's own statistics.
import type { Scenario, ScenarioResult } from '../scenario';
import { renderLineChart } from '../svg-plot';
import { MiB, ratio, round } from '../support/figures';
import {
  APPROACHES,
  measureLengths,
  resultAt,
  type LengthMeasurements,
} from '../support/video-lengths';

export const memoryScenario: Scenario = {
  id: 'memory',
  title: 'Memory against video length',
  async run(ctx) {
    return summarize(await measureLengths(ctx));
  },
};

const mib = (bytes: number) => round(bytes / MiB);

function summarize(m: LengthMeasurements): ScenarioResult {
  const minutes = m.config.minutes;
  const first = minutes[0];
  const last = minutes[minutes.length - 1];
  const peak = (x: number, a: (typeof APPROACHES)[number]) =>
    resultAt(m, x, a)?.peakRssBytes ?? null;
  const table = m.rows.map((row) => ({
    minutes: row.minutes,
    ...Object.fromEntries(
      APPROACHES.map((a) => {
        const r = resultAt(m, row.minutes, a);
        return [
          a,
          r
            ? {
                peakRssMiB: mib(r.peakRssBytes),
                rssAfterModelLoadMiB: mib(r.rssAfterLoadBytes),
                kvRamMiB: mib(r.kvRamBytes),
                kvDiskMiB: mib(r.kvDiskBytes),
              }
            : null,
        ];
      }),
    ),
  }));
  const growth = ratio(peak(last, 'streaming'), peak(first, 'streaming'));
  const kvRam = (x: number) => resultAt(m, x, 'streaming')?.kvRamBytes ?? null;
  return {
    figures: { memoryBudgetMiB: mib(m.config.memoryBudget), lengths: table },
    ratios: {
      [`streaming peak RSS ${last} min / ${first} min`]: growth,
      [`streaming KV in RAM ${last} min / ${first} min`]: ratio(kvRam(last), kvRam(first)),
      ...Object.fromEntries(
        minutes.map((x) => [
          `full cache / streaming peak RSS at ${x} min`,
          ratio(peak(x, 'full'), peak(x, 'streaming')),
        ]),
      ),
    },
    targets: [
      {
        name: `peak RSS at ${last} min vs ${first} min (streaming)`,
        target: '<= 1.2x',
        value: growth,
        met: growth !== null && growth <= 1.2,
        note: `offloaded blocks beyond a ${mib(m.config.memoryBudget)} MiB RAM budget spill to disk`,
      },
    ],
    charts: [
      {
        file: 'memory-vs-length.svg',
        svg: renderLineChart({
          title: 'Peak RSS and KV bytes against video length',
          xLabel: 'video length (minutes, 1 fps)',
          yLabel: 'MiB',
          logY: true,
          series: [
            ...APPROACHES.map((a) => ({
              name: `RSS ${a}`,
              points: points(minutes, (x) => peak(x, a)),
            })),
            {
              name: 'KV RAM (streaming)',
              points: points(minutes, (x) => kvRam(x)),
            },
            {
              name: 'KV disk (streaming)',
              points: points(minutes, (x) => resultAt(m, x, 'streaming')?.kvDiskBytes ?? null),
            },
          ],
        }),
      },
    ],
    notes: [
      'peak RSS: process.resourceUsage().maxRSS of a separate child process per approach and length (model load, ingest and questions; the ffmpeg child not included)',
      're-encoding keeps only what a per-question stream holds; its peak is that of one full ingest',
    ],
  };
}

function points(xs: number[], f: (x: number) => number | null): Array<[number, number]> {
  return xs
    .map((x) => [x, f(x)] as [number, number | null])
    .filter((p): p is [number, number] => p[1] !== null && p[1] > 0)
    .map(([x, y]) => [x, y / MiB]);
}
