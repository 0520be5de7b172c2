// One approach on one video, in its own process so that its peak RSS is its own:
//   node --import tsx engine/bench/support/length-probe.ts '<LengthProbeRequest JSON>'
// Prints `RESULT <LengthProbeResult JSON>` as its last line.
//   streaming: rekv tiers (sink + recent + retrieved), RAM budget with disk spill; ingest
//              once with the frame gate, then time each question.
//   full:      every kept frame stays in context (policy 'full'), RAM only, as far as the
//              model's positions go; past that the engine refuses and we record where.
//   reencode:  per question, decode and encode the whole video (no gate, as offline tools
//              sample every frame) into a fresh stream, then ask.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStream, StreamLimitError, type VideoStream } from '../../stream';
import { askBench, loadBenchModel, type BenchModel } from './bench-model';
import { folderBytes, median } from './figures';
import { ingestVideo, type IngestFigures, type IngestPlan } from './timed-ingest';

export type Approach = 'streaming' | 'full' | 'reencode';

export interface LengthProbeRequest {
  approach: Approach;
  video: string;
  modelDir: string;
  /** Kept frames encoded for real; the rest replay their KV (streaming, full) or are extrapolated (reencode). */
  realEncodes: number;
  questions: number;
  /** RAM budget for offloaded blocks of the streaming approach (bytes). */
  memoryBudget: number;
}

export interface LengthProbeResult {
  approach: Approach;
  /** Time to first token per question (reencode: decode + encode + ask). */
  ttftMs: number | null;
  /** True when the whole TTFT was measured, false when part of it is extrapolated. */
  measured: boolean;
  fits: boolean;
  /** Why the approach could not answer (the engine's message). */
  limit?: string;
  contextTokens: number | null;
  ingest: IngestFigures | null;
  rssAfterLoadBytes: number;
  peakRssBytes: number;
  kvRamBytes: number;
  kvDiskBytes: number;
  retrievalFallback: string | null;
}

export const QUESTION = 'When did the build step fail, and what did the error say?';
const ASK = { maxTokens: 4 };

async function probe(request: LengthProbeRequest): Promise<LengthProbeResult> {
  const bench = await loadBenchModel(request.modelDir);
  const rssAfterLoadBytes = process.memoryUsage().rss;
  const spill = mkdtempSync(join(tmpdir(), 'vlm-bench-spill-'));
  try {
    const partial =
      request.approach === 'reencode'
        ? await reencode(bench, request)
        : await ingestThenAsk(bench, request, spill);
    return {
      ...partial,
      approach: request.approach,
      rssAfterLoadBytes,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      retrievalFallback: bench.fallback,
    };
  } finally {
    rmSync(spill, { recursive: true, force: true });
    await bench.dispose();
  }
}

type Partial_ = Omit<
  LengthProbeResult,
  'approach' | 'rssAfterLoadBytes' | 'peakRssBytes' | 'retrievalFallback'
>;

function openFor(bench: BenchModel, request: LengthProbeRequest, spill: string | null) {
  const streaming = request.approach !== 'full';
  return openStream(
    { kind: 'live' },
    {
      model: bench.port,
      policy: streaming ? 'rekv' : 'full',
      recentBlocks: 8,
      topK: 8,
      answerReserveTokens: 64,
      memoryBudget: streaming ? request.memoryBudget : 16 * 1024 ** 3,
      cacheDir: spill,
    },
  );
}

async function ingestThenAsk(
  bench: BenchModel,
  request: LengthProbeRequest,
  spill: string,
): Promise<Partial_> {
  const stream = await openFor(bench, request, request.approach === 'streaming' ? spill : null);
  const plan: IngestPlan = {
    fps: 1,
    gate: true,
    realEncodes: request.realEncodes,
    beyond: 'replay',
  };
  try {
    let ingest: IngestFigures;
    try {
      ingest = await ingestVideo(stream, request.video, plan);
    } catch (error) {
      if (!(error instanceof StreamLimitError)) throw error;
      return { ...kvBytes(stream, spill), ...notFitting(error.message) };
    }
    await askBench(bench, stream, QUESTION, ASK); // warm-up: first-run allocations
    const ttft: number[] = [];
    let contextTokens = 0;
    for (let q = 0; q < request.questions; q++) {
      const r = await askBench(bench, stream, QUESTION, ASK);
      ttft.push(r.timings.ttftMs);
      contextTokens = r.cache.positions.window + contextOf(r);
    }
    return {
      ttftMs: median(ttft),
      measured: true,
      fits: true,
      contextTokens,
      ingest,
      ...kvBytes(stream, spill),
    };
  } finally {
    await stream.close();
  }
}

/** Tokens of retrieved blocks and the question (the window is counted by the caller). */
function contextOf(r: Awaited<ReturnType<VideoStream['ask']>>): number {
  const perBlock = r.cache.recent.blocks > 0 ? r.cache.recent.tokens / r.cache.recent.blocks : 0;
  return Math.round(r.context.retrieved.length * perBlock) + r.context.questionTokens;
}

function notFitting(message: string): Omit<Partial_, 'kvRamBytes' | 'kvDiskBytes'> {
  return {
    ttftMs: null,
    measured: true,
    fits: false,
    limit: message,
    contextTokens: null,
    ingest: null,
  };
}

function kvBytes(stream: VideoStream, spill: string) {
  const s = stream.stats();
  return {
    kvRamBytes: s.sink.ramBytes + s.recent.ramBytes + s.retrievable.ramBytes,
    kvDiskBytes: Math.max(s.retrievable.diskBytes, folderBytes(spill)),
  };
}

/** One question's cost when the whole video is decoded and encoded again for it. */
async function reencode(bench: BenchModel, request: LengthProbeRequest): Promise<Partial_> {
  const stream = await openFor(bench, request, null);
  try {
    const ingest = await ingestVideo(stream, request.video, {
      fps: 1,
      gate: false,
      realEncodes: request.realEncodes,
      beyond: 'extrapolate',
    });
    const r = await askBench(bench, stream, QUESTION, ASK);
    const s = stream.stats();
    return {
      ttftMs: ingest.estimatedMs + r.timings.ttftMs,
      measured: ingest.extrapolated === 0,
      fits: true,
      contextTokens: r.cache.positions.window + contextOf(r),
      ingest,
      kvRamBytes: s.sink.ramBytes + s.recent.ramBytes + s.retrievable.ramBytes,
      kvDiskBytes: 0,
    };
  } finally {
    await stream.close();
  }
}

if (require.main === module) {
  const request = JSON.parse(process.argv[2] ?? '{}') as LengthProbeRequest;
  probe(request).then(
    (result) => {
      process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`length-probe: ${error instanceof Error ? error.stack : error}\n`);
      process.exit(1);
    },
  );
}
