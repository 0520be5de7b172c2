// Scenario: the soak (engine/bench/soak/driver.ts, the same driver test/soak asserts on).
// The language server and the HTTP endpoint, each its own process, under mixed load
// (asks, cancellations, stream opens and closes, bad requests) for VLM_SOAK_SECONDS, else
// 5 s (smoke), 60 s (--quick) or 600 s; then lost responses, memory and fds given back,
// and the saved streams against their disk budget.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../cli/commands/serve';
import type { Scenario, TargetCheck } from '../scenario';
import { runSoak, type ProcessFigures, type SoakReport } from '../soak/driver';
import { canProbe } from '../soak/probe';
import { MiB, round } from '../support/figures';

function soakSeconds(quick: boolean, smoke: boolean | undefined): number {
  // The smoke run checks the report's shape, whatever length the soak suite was asked for.
  if (smoke) return 5;
  const asked = process.env.VLM_SOAK_SECONDS;
  if (asked !== undefined) {
    const seconds = Number(asked);
    if (!Number.isFinite(seconds) || seconds <= 0)
      throw new Error(`VLM_SOAK_SECONDS: '${asked}' is not a positive number of seconds`);
    return seconds;
  }
  return quick ? 60 : 600;
}

const processFigures = (p: ProcessFigures) => ({
  baselineRssMiB: round(p.baseline.rssBytes / MiB),
  finalRssMiB: round(p.final.rssBytes / MiB),
  peakRssMiB: round(p.peakRssBytes / MiB),
  rssRatio: round(p.rssRatio),
  baselineFds: p.baseline.fds,
  finalFds: p.final.fds,
});

function targets(r: SoakReport): TargetCheck[] {
  const rss = Math.max(r.lsp.rssRatio, r.http.rssRatio);
  const fds = Math.max(r.lsp.fdDelta, r.http.fdDelta);
  return [
    {
      name: 'lost or doubled responses',
      target: '0',
      value: r.lost.length + r.duplicates,
      met: r.lost.length + r.duplicates === 0,
    },
    {
      name: 'resident memory after load / before (worst server)',
      target: '<= 1.10',
      value: round(rss),
      met: rss <= 1.1,
    },
    {
      name: 'file descriptors after load - before (worst server)',
      target: '<= 4',
      value: fds,
      met: fds <= 4,
    },
    {
      name: 'saved streams / disk budget (language server)',
      target: '<= 1',
      value: round(r.disk.lspStreamsBytes / r.disk.budgetBytes),
      met: r.disk.lspStreamsBytes <= r.disk.budgetBytes,
    },
  ];
}

export const soakScenario: Scenario = {
  id: 'soak',
  title: 'Soak: language server and HTTP endpoint under mixed load',
  async run(ctx) {
    if (!canProbe()) throw new Error('the soak reads /proc (Linux only)');
    const fixturesDir = join(packageRoot(), 'test', 'fixtures', 'real');
    if (!existsSync(fixturesDir))
      throw new Error(`the soak needs the real fixtures at ${fixturesDir} (a source checkout)`);
    const report = await runSoak({
      seconds: soakSeconds(ctx.quick, ctx.smoke),
      fixturesDir,
      workDir: join(ctx.workDir, 'soak'),
      model: ctx.modelDir,
      // The smoke run checks the report's shape: one round each is warm enough for that.
      warmupRounds: ctx.smoke ? 1 : undefined,
      log: ctx.log,
    });
    const answered = Object.values(report.byKind).reduce(
      (n, kind) => n + kind.ok + kind.error + kind.cancelled,
      0,
    );
    return {
      figures: {
        seconds: report.seconds,
        warmupSeconds: report.warmupSeconds,
        clients: report.clients,
        requests: report.requests,
        lost: report.lost,
        duplicates: report.duplicates,
        surprises: report.surprises,
        byKind: report.byKind,
        languageServer: processFigures(report.lsp),
        httpEndpoint: processFigures(report.http),
        disk: report.disk,
      },
      ratios: {
        'language server RSS after / before': round(report.lsp.rssRatio),
        'HTTP endpoint RSS after / before': round(report.http.rssRatio),
        'responses / requests': report.requests ? round(answered / report.requests) : null,
      },
      targets: targets(report),
    };
  },
};
