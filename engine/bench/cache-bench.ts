// Streaming KV cache benchmark: question latency after 1 and 30 minutes of a 1 fps stream
// for the streaming policies vs the full-cache baseline (ratios from one run), bytes per
// block at fp32 / int8 / int4, and needle recall@k per retrieval scorer.
//
//   node --import tsx engine/bench/cache-bench.ts [--quick] [--real-size] [--out file.json]
//
// --real-size adds the ONNX reference model with SmolVLM-256M's shapes (slow: minutes).
// Latency: frames are "fast-encoded" (synthetic KV blocks of the model's shape pushed
// straight into the cache) so 1,800 frames take seconds; the question itself runs the
// real path (retrieval pass, re-positioning, prefill, decode). Two models: the in-process
// synthetic decoder with room for a 30-minute full cache (65,536 positions), and the ONNX
// reference model (tiny preset, 2,048 positions: its full cache cannot hold 30 minutes).
// Needle recall uses the ONNX reference model end to end (frames encoded by the model).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeBlock } from '../cache/block-codec';
import { representativeKeys, type KvBlock } from '../cache/block';
import type { PolicyName } from '../cache/policies';
import type { ScorerName } from '../cache/retrieval';
import type { QuantBits } from '../cache/quant';
import { loadModel } from '../model';
import type { KvCache, TextModelSpec } from '../model/contract';
import { ensureReferenceModel } from '../model/reference';
import { openStream, type StreamModel, type VideoFrame } from '../stream';
import { adaptModel } from '../stream/model-adapter';
import { SyntheticModel } from './support/synthetic-model';

const QUESTION = 'What was on screen when the error dialog appeared?';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
}

function syntheticKv(spec: TextModelSpec, tokens: number, seed: number): KvCache {
  const next = rng(seed);
  const size = spec.numKvHeads * tokens * spec.headDim;
  return {
    length: tokens,
    layers: Array.from({ length: spec.numLayers }, () => ({
      key: Float32Array.from({ length: size }, next),
      value: Float32Array.from({ length: size }, next),
    })),
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface LatencyRow {
  model: string;
  policy: PolicyName;
  minutes: number;
  frames: number;
  contextTokens: number;
  ttftMs: number | null;
  totalMs: number | null;
  note?: string;
}

/** Synthetic KV for frame i: fresh random values, or (large models) one of a few cached blocks. */
function kvSource(spec: TextModelSpec, tokensPerFrame: number, pool: number) {
  const cached: KvCache[] = [];
  return (i: number) => {
    if (pool === 0) return syntheticKv(spec, tokensPerFrame, i + 1);
    return (cached[i % pool] ??= syntheticKv(spec, tokensPerFrame, (i % pool) + 1));
  };
}

async function filledStream(
  model: StreamModel,
  policy: PolicyName,
  frames: number,
  tokensPerFrame: number,
  cacheDir: string | null,
  pool: number,
) {
  const stream = await openStream(
    { kind: 'live' },
    {
      model,
      policy,
      recentBlocks: 8,
      topK: 8,
      memoryBudget: 256 * 1024 ** 2,
      answerReserveTokens: 64,
      cacheDir,
    },
  );
  const kv = kvSource(model.spec, tokensPerFrame, pool);
  try {
    for (let i = 0; i < frames; i++)
      await stream.engine.pushEncodedBlock(kv(i), {
        index: i,
        timeSec: i,
      });
    return { stream, error: null };
  } catch (error) {
    await stream.close();
    return { stream: null, error: (error as Error).message.split('.')[0] };
  }
}

/**
 * Question latency after 1 and 30 minutes for one policy. The two streams are asked in
 * turn (1, 30, 1, 30, ...) after a warm-up each, so drift on a shared machine hits both.
 */
async function questionLatency(
  model: StreamModel,
  label: string,
  policy: PolicyName,
  tokensPerFrame: number,
  repeats: number,
  cacheDir: string | null = null,
  pool = 0,
): Promise<LatencyRow[]> {
  const minutes = [1, 30];
  const opened: Awaited<ReturnType<typeof filledStream>>[] = [];
  for (const m of minutes)
    opened.push(await filledStream(model, policy, m * 60, tokensPerFrame, cacheDir, pool));
  const samples = minutes.map(() => ({
    ttft: [] as number[],
    total: [] as number[],
    contextTokens: 0,
  }));
  for (let r = -1; r < repeats; r++)
    for (let i = 0; i < minutes.length; i++) {
      const stream = opened[i].stream;
      if (!stream) continue;
      const result = await stream.ask(QUESTION, { maxTokens: 8 });
      if (r < 0) continue; // warm-up
      samples[i].ttft.push(result.timings.ttftMs);
      samples[i].total.push(result.timings.totalMs);
      const c = result.context;
      samples[i].contextTokens =
        c.sinkTokens + (c.retrieved.length + c.recent.length) * tokensPerFrame + c.questionTokens;
    }
  for (const o of opened) await o.stream?.close();
  return minutes.map((m, i) => ({
    model: label,
    policy,
    minutes: m,
    frames: m * 60,
    contextTokens: samples[i].contextTokens,
    ttftMs: opened[i].stream ? median(samples[i].ttft) : null,
    totalMs: opened[i].stream ? median(samples[i].total) : null,
    note: opened[i].error ?? undefined,
  }));
}

/**
 * Real frame encoding (vision encoder + prefill against sink + recent) after 1 and after
 * 30 minutes of stream: the window is the same size, so the cost should be the same.
 */
async function encodeCost(
  model: StreamModel,
  tokensPerFrame: number,
  samples: number,
  pool: number,
) {
  const kv = kvSource(model.spec, tokensPerFrame, pool);
  const stream = await openStream(
    { kind: 'live' },
    { model, recentBlocks: 8, memoryBudget: 256 * 1024 ** 2 },
  );
  const perMinute: Record<string, number> = {};
  await stream.pushFrame(noiseFrame(0, 2)); // warm-up: first runs of the vision encoder and decoder
  let pushed = 1;
  for (const minutes of [1, 30]) {
    for (; pushed < minutes * 60 - samples; pushed++)
      await stream.engine.pushEncodedBlock(kv(pushed), {
        index: pushed,
        timeSec: pushed,
      });
    const times: number[] = [];
    for (let i = 0; i < samples; i++, pushed++) {
      const started = performance.now();
      await stream.pushFrame(noiseFrame(pushed, 1));
      times.push(performance.now() - started);
    }
    perMinute[`after${minutes}min`] = median(times);
  }
  await stream.close();
  return perMinute;
}

/** Encoded size of one frame's block for a spec, at each precision. */
function blockBytes(spec: TextModelSpec, tokens: number): Record<string, number> {
  const kv = syntheticKv(spec, tokens, 3);
  const block: KvBlock = {
    id: 0,
    frameIndex: 0,
    timeSec: 0,
    tokenCount: tokens,
    keyPosition: 0,
    kv: kv.layers,
    representatives: representativeKeys(kv.layers, tokens, 0, spec),
  };
  const out: Record<string, number> = {};
  for (const bits of [32, 8, 4] as QuantBits[])
    out[bits === 32 ? 'fp32' : `int${bits}`] = encodeBlock(
      block,
      bits,
      spec.numKvHeads,
      spec.headDim,
    ).length;
  return out;
}

function noiseFrame(index: number, seed: number): VideoFrame {
  const next = rng(seed * 7919 + index);
  const rgb = Buffer.alloc(48 * 48 * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = Math.floor((next() + 1) * 127.5);
  return { index, timeSec: index, width: 48, height: 48, rgb };
}

/**
 * Needle: N distinct noise frames; the question's embeddings are the needle frame's own
 * (as if the question showed that picture). Recall@k: the needle is among the top k
 * retrieved blocks. The needle always sits outside the recent window.
 */
async function needleRecall(
  model: StreamModel,
  scorers: ScorerName[],
  trials: number,
  frames: number,
) {
  const ks = [1, 3, 5];
  const results: Record<string, Record<string, number>> = {};
  for (const scorer of scorers) {
    const hits = Object.fromEntries(ks.map((k) => [`recall@${k}`, 0]));
    for (let trial = 0; trial < trials; trial++) {
      const needle = Math.floor(((trial + 0.5) / trials) * (frames - 8));
      const { embeds: needleEmbeds } = await model.embedFrame(noiseFrame(needle, trial), false);
      const asking: StreamModel = Object.assign(Object.create(model) as StreamModel, {
        embedQuestion: async () => needleEmbeds,
      });
      const stream = await openStream(
        { kind: 'live' },
        { model: asking, scorer, recentBlocks: 4, topK: 5, memoryBudget: 1e9 },
      );
      for (let i = 0; i < frames; i++) await stream.pushFrame(noiseFrame(i, trial));
      const r = await stream.ask('which frame?', { maxTokens: 1 });
      const retrievedRanked = r.evidence.filter((e) => r.context.retrieved.includes(e.blockId));
      const rank = retrievedRanked.findIndex((e) => e.frameIndex === needle);
      for (const k of ks) if (rank >= 0 && rank < k) hits[`recall@${k}`]++;
      await stream.close();
    }
    results[scorer] = Object.fromEntries(Object.entries(hits).map(([k, v]) => [k, v / trials]));
  }
  return results;
}

async function main() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      out: { type: 'string' },
      'real-size': { type: 'boolean' },
    },
  });
  const quick = values.quick ?? false;
  const repeats = quick ? 3 : 7;
  const log = (line: string) => process.stdout.write(`${line}\n`);

  const synthetic = new SyntheticModel({ maxPositions: 65536, imageTokens: 16 });
  const synthTokens =
    (await synthetic.embedFrame(noiseFrame(0, 0), false)).embeds.length / synthetic.spec.hiddenSize;
  const reference = await loadModel(await ensureReferenceModel('tiny'));
  const port = adaptModel(reference);
  const refTokens =
    (await port.embedFrame(noiseFrame(0, 0), false)).embeds.length / port.spec.hiddenSize;

  log('== question latency after 1 and 30 minutes at 1 fps (fast-encoded frames)');
  const latency: LatencyRow[] = [];
  const models: [StreamModel, string, number, number][] = [
    [synthetic, 'synthetic-65k', synthTokens, 0],
    [port, 'onnx-reference-tiny', refTokens, 0],
  ];
  // SmolVLM-256M's real shapes (30 layers, 2.9 MiB of fp32 KV per frame): offloaded blocks
  // spill to a temporary cache directory beyond the 256 MiB budget.
  const big = values['real-size']
    ? await loadModel(await ensureReferenceModel('smolvlm-256m-shape'))
    : null;
  const spill = big ? mkdtempSync(join(tmpdir(), 'vlm-cache-bench-')) : null;
  if (big) {
    const bigPort = adaptModel(big);
    const tokens =
      (await bigPort.embedFrame(noiseFrame(0, 0), false)).embeds.length / bigPort.spec.hiddenSize;
    models.push([bigPort, 'onnx-smolvlm-256m-shape', tokens, 16]);
  }
  for (const [model, label, tokens, pool] of models)
    for (const policy of ['rekv', 'streaming-llm', 'full'] as PolicyName[])
      for (const row of await questionLatency(model, label, policy, tokens, repeats, spill, pool)) {
        latency.push(row);
        log(
          `  ${label.padEnd(20)} ${policy.padEnd(14)} ${String(row.minutes).padStart(2)} min  context ${String(row.contextTokens).padStart(6)} tokens  ` +
            (row.ttftMs === null
              ? `n/a (${row.note})`
              : `ttft ${row.ttftMs.toFixed(1)} ms  total ${row.totalMs!.toFixed(1)} ms`),
        );
      }
  const ratio = (label: string, policy: PolicyName) => {
    const one = latency.find((r) => r.model === label && r.policy === policy && r.minutes === 1);
    const thirty = latency.find(
      (r) => r.model === label && r.policy === policy && r.minutes === 30,
    );
    return one?.ttftMs && thirty?.ttftMs ? thirty.ttftMs / one.ttftMs : null;
  };
  const ratios: Record<string, number | null> = {};
  for (const [, label] of models)
    for (const policy of ['rekv', 'streaming-llm', 'full'] as PolicyName[])
      ratios[`${label}/${policy}`] = ratio(label, policy);
  log('  ttft ratio 30 min / 1 min:');
  for (const [k, v] of Object.entries(ratios))
    log(`    ${k.padEnd(36)} ${v === null ? 'n/a' : v.toFixed(2)}`);

  log('== frame encode ms (vision encoder + prefill against sink + 8 recent blocks), median');
  const encode: Record<string, Record<string, number>> = {};
  const encoders: [StreamModel, string, number, number, number][] = [
    [port, 'onnx-reference-tiny', refTokens, quick ? 5 : 15, 0],
  ];
  const bigEntry = models.find(([, label]) => label === 'onnx-smolvlm-256m-shape');
  if (bigEntry) encoders.push([bigEntry[0], bigEntry[1], bigEntry[2], quick ? 3 : 6, 16]);
  for (const [model, label, tokens, samples, pool] of encoders) {
    const e = (encode[label] = await encodeCost(model, tokens, samples, pool));
    log(
      `  ${label.padEnd(24)} after 1 min ${e.after1min.toFixed(1)} ms   after 30 min ${e.after30min.toFixed(1)} ms   ratio ${(e.after30min / e.after1min).toFixed(2)}`,
    );
  }
  await big?.dispose();
  if (spill) rmSync(spill, { recursive: true, force: true });

  log('== bytes per block (one frame)');
  const smolSpec: TextModelSpec = {
    numLayers: 30,
    numHeads: 9,
    numKvHeads: 3,
    headDim: 64,
    hiddenSize: 576,
    vocabSize: 49280,
    maxPositions: 8192,
    rope: { theta: 100000, rotaryDim: 64 },
  };
  const bytes = {
    'smolvlm-256m-shape (64 image + 8 marker tokens)': blockBytes(smolSpec, 72),
    [`reference-tiny (${refTokens} tokens)`]: blockBytes(port.spec, refTokens),
  };
  for (const [k, v] of Object.entries(bytes))
    log(
      `  ${k.padEnd(48)} fp32 ${v.fp32}  int8 ${v.int8} (${(v.fp32 / v.int8).toFixed(2)}x)  int4 ${v.int4} (${(v.fp32 / v.int4).toFixed(2)}x)`,
    );

  log('== needle recall@k per scorer (ONNX reference model, frames encoded by the model)');
  const trials = quick ? 4 : 10;
  const needle = await needleRecall(
    port,
    ['queries', 'keys', 'recency', 'uniform'],
    trials,
    quick ? 24 : 40,
  );
  for (const [scorer, r] of Object.entries(needle))
    log(
      `  ${scorer.padEnd(8)} ${Object.entries(r)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join('  ')}`,
    );
  await reference.dispose();

  const report = {
    date: new Date().toISOString(),
    quick,
    repeats,
    latency,
    ttftRatio30over1: ratios,
    bytesPerBlock: bytes,
    needle: { trials, recall: needle },
  };
  if (values.out) {
    mkdirSync(dirname(values.out), { recursive: true });
    writeFileSync(values.out, JSON.stringify(report, null, 2));
    log(`wrote ${values.out}`);
  }
}

main().catch((error) => {
  process.stderr.write(`cache-bench: ${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
