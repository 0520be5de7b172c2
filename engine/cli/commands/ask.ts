// `vlm ask <video-or-image> "<question>"`: opens a stream over the file (reusing a saved
// encoding when there is one), answers the question with streamed tokens, and prints the
// evidence (times, scores, text) and the cache statistics.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatTime } from '../../cache/block';
import { POLICY_NAMES, type PolicyName } from '../../cache/policies';
import { SCORER_NAMES, type ScorerName } from '../../cache/retrieval';
import { resolveRemoteConfig } from '../../remote';
import { EngineSession, SESSION_DEFAULTS, type SessionAnswer } from '../../session';
import type { StreamStats, TierStats } from '../../stream';
import { formatBytes } from '../../util/files';
import { ExitCode, UsageError, type Command } from '../command';
import { printable } from '../printable';

export const REFERENCE_MODEL_NOTICE =
  'Note: no model is configured, so the built-in reference model answers. Its weights are generated, ' +
  'so its answers are not meaningful. Point VLM_MODEL_DIR (or --model DIR) at a Hugging Face ONNX export ' +
  'of a SmolVLM-style model (config.json, tokenizer.json, onnx/*.onnx) for real answers.';

export const REFERENCE_RETRIEVAL_NOTICE =
  'Note: no local model is configured, so the built-in reference model encodes the frames and ' +
  'retrieval scores are not meaningful; the answer comes from the remote server. Point VLM_MODEL_DIR ' +
  '(or --model DIR) at a SmolVLM-style ONNX export for meaningful retrieval.';

/** --remote answers with the VLM_REMOTE_* server; a missing variable is a usage error. */
function checkRemote(): void {
  try {
    resolveRemoteConfig();
  } catch (error) {
    throw new UsageError(`--remote: ${(error as Error).message}`);
  }
}

const options = {
  json: { type: 'boolean' },
  model: { type: 'string' },
  policy: { type: 'string' },
  fps: { type: 'string' },
  scorer: { type: 'string' },
  'recent-blocks': { type: 'string' },
  'top-k': { type: 'string' },
  'max-tokens': { type: 'string' },
  quant: { type: 'string' },
  ocr: { type: 'boolean' },
  'no-ocr': { type: 'boolean' },
  gate: { type: 'string' },
  'no-gate': { type: 'boolean' },
  'max-frames': { type: 'string' },
  'no-cache': { type: 'boolean' },
  remote: { type: 'boolean' },
} as const;

function positive(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0) || (integer && !Number.isInteger(n)))
    throw new UsageError(
      `--${name} must be a positive ${integer ? 'integer' : 'number'}, got '${value}'`,
    );
  return n;
}

function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

export const askCommand: Command = {
  name: 'ask',
  summary: 'Ask a question about a video or an image; prints the answer, evidence and cache stats',
  usage: `Usage: vlm ask <video-or-image> "<question>" [options]

Encodes the file frame by frame into a bounded KV cache (sink, recent window, offloaded
blocks retrieved per question), answers the question, and prints the evidence (frame
times, scores, text) and the cache statistics. An encoded video is saved in the cache
directory and reused by the next question about the same file.

Options:
  --json             print one JSON object: answer, evidence[], timings, cache
  --model NAME       a model folder, or reference:tiny (default: VLM_MODEL_DIR, else
                     the built-in reference model, reference:tiny)
  --policy NAME      ${POLICY_NAMES.join(' | ')} (default rekv)
  --fps N            frames per second sampled from a video (default ${SESSION_DEFAULTS.fps})
  --gate N           frame gate: a frame counts as changed when a 4x4 block's mean luma
                     moved by more than N levels of 255 (default 12)
  --no-gate          encode every sampled frame
  --max-frames N     stop after N encoded frames (a preview)
  --scorer NAME      retrieval scorer: ${SCORER_NAMES.join(' | ')} (default keys)
  --recent-blocks N  frames (blocks) in the full-precision recent window (default 8)
  --top-k N          older frames retrieved per question (default 8)
  --max-tokens N     longest answer in tokens (default ${SESSION_DEFAULTS.maxTokens})
  --quant BITS       precision of offloaded frames: 8 | 4 | 32 (default 8)
  --no-ocr           do not read the on-screen text of each encoded frame (read by
                     default: retrieval matches it against the question and the
                     evidence shows it)
  --no-cache         do not save or reuse the encoded stream
  --remote           answer with a remote OpenAI-compatible server (vLLM, SGLang, Ollama,
                     llama.cpp) configured by VLM_REMOTE_BASE_URL, VLM_REMOTE_MODEL and
                     VLM_REMOTE_API_KEY: the local engine still ingests, gates and
                     retrieves; the frames it retrieves go to the server with their times
`,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 2)
      throw new UsageError('expected a file and a question: vlm ask <video-or-image> "<question>"');
    const [file, question] = positionals;
    if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
    if (!question.trim()) throw new UsageError('the question is empty');
    const policy = oneOf<PolicyName>('policy', values.policy, POLICY_NAMES);
    const scorer = oneOf<ScorerName>('scorer', values.scorer, SCORER_NAMES);
    const fps = positive('fps', values.fps, false);
    const recentBlocks = positive('recent-blocks', values['recent-blocks'], true);
    const topK = positive('top-k', values['top-k'], true);
    const maxTokens = positive('max-tokens', values['max-tokens'], true);
    const quant = oneOf('quant', values.quant, ['8', '4', '32'] as const);

    const gate = values['no-gate'] ? false : gateOption(values.gate);
    const maxFrames = positive('max-frames', values['max-frames'], true);
    if (values.remote) checkRemote();
    const session = new EngineSession({
      cacheDir: values['no-cache'] ? null : undefined,
      remote: values.remote ? {} : undefined,
    });
    const warnings: string[] = [];
    try {
      const loaded = await session.model(values.model ?? session.selectedModel);
      if (loaded.reference)
        io.err(values.remote ? REFERENCE_RETRIEVAL_NOTICE : REFERENCE_MODEL_NOTICE);
      const stream = await session.open(
        { kind: 'file', path: file },
        {
          model: loaded.id,
          policy,
          scorer,
          fps,
          gate,
          maxFrames,
          recentBlocks,
          topK,
          screenText: !values['no-ocr'],
          quantBits: quant === undefined ? undefined : (Number(quant) as 8 | 4 | 32),
          signal: io.signal,
          onProgress:
            !values.json && process.stderr.isTTY
              ? (p) =>
                  process.stderr.write(
                    `\rencoding: ${p.framesEncoded} frames, ${p.framesSkipped} unchanged skipped, at ${formatTime(p.timeSec)}`,
                  )
              : undefined,
          onWarning: (m) => {
            warnings.push(m);
            if (!values.json) io.err(`warning: ${m}`);
          },
        },
      );
      try {
        await stream.ready;
        if (!values.json && process.stderr.isTTY) process.stderr.write('\n');
        const streamTokens = values.json
          ? undefined
          : (t: string) => process.stdout.write(printable(t));
        const result = await stream.ask(question, {
          maxTokens,
          signal: io.signal,
          onToken: streamTokens,
        });
        io.out(
          values.json
            ? JSON.stringify(
                toJson(result, {
                  model: loaded.id,
                  reference: loaded.reference && !result.remote,
                  reopened: stream.reopened,
                  warnings,
                }),
                null,
                2,
              )
            : `\n${formatReport(result, stream.reopened)}`,
        );
      } finally {
        await stream.close();
      }
    } finally {
      await session.dispose();
    }
    return ExitCode.ok;
  },
};

function tierJson(t: TierStats) {
  return {
    blocks: t.blocks,
    tokens: t.tokens,
    bytes: t.ramBytes + t.diskBytes,
    ramBytes: t.ramBytes,
    diskBytes: t.diskBytes,
    hits: t.hits,
    misses: t.misses,
    evictions: t.evictions,
  };
}

/** --gate N: luma levels out of 255, as the engine's frame gate reads them. */
function gateOption(value: string | undefined): { threshold: number } | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n >= 0 && n <= 255))
    throw new UsageError(`--gate must be a number of luma levels from 0 to 255, got '${value}'`);
  return { threshold: n };
}

export function toJson(
  r: SessionAnswer,
  extra: { model: string; reference: boolean; reopened: boolean; warnings: string[] },
) {
  return {
    answer: r.answer,
    evidence: r.evidence.map((e) => ({
      timeSec: e.timeSec,
      frameIndex: e.frameIndex,
      score: Number(e.score.toFixed(4)),
      ...(e.untilSec !== undefined ? { untilSec: e.untilSec } : {}),
      scores: e.scores,
      ...(e.text ? { text: e.text } : {}),
      retrieved: e.retrieved,
      ...(e.event ? { event: e.event } : {}),
    })),
    timings: {
      ttftMs: round(r.timings.ttftMs),
      tpotMs: round(r.timings.tpotMs),
      totalMs: round(r.timings.totalMs),
      encodeMs: round(r.timings.encodeMs),
      retrievalMs: round(r.timings.retrievalMs),
    },
    cache: {
      policy: r.cache.policy,
      sink: tierJson(r.cache.sink),
      recent: tierJson(r.cache.recent),
      retrievable: tierJson(r.cache.retrievable),
      framesEncoded: r.cache.framesEncoded,
      framesSkipped: r.cache.framesSkipped,
      reopened: extra.reopened,
    },
    model: extra.model,
    ...(extra.reference ? { notice: REFERENCE_MODEL_NOTICE } : {}),
    warnings: extra.warnings,
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** "0:12", or "0:12-0:47" when the frame stayed unchanged on screen over that span. */
function when(e: { timeSec: number; untilSec?: number }): string {
  const start = formatTime(e.timeSec);
  const end = e.untilSec !== undefined ? formatTime(e.untilSec) : start;
  return end === start ? start : `${start}-${end}`;
}

function formatReport(r: SessionAnswer, reopened: boolean): string {
  const lines = ['', 'Evidence'];
  if (r.evidence.length === 0) lines.push('  (none)');
  for (const e of r.evidence.slice(0, 8))
    lines.push(
      `  ${when(e).padStart(13)}  frame ${String(e.frameIndex).padEnd(5)} score ${e.score.toFixed(3)}${e.text ? `  "${printable(e.text)}"` : ''}`,
    );
  lines.push('', `Cache (${r.cache.policy}${reopened ? ', reopened from disk' : ''})`);
  lines.push(...formatTiers(r.cache));
  const t = r.timings;
  lines.push(
    '',
    `Timings  ttft ${t.ttftMs.toFixed(0)} ms  tpot ${t.tpotMs.toFixed(1)} ms  total ${t.totalMs.toFixed(0)} ms  encode ${t.encodeMs.toFixed(0)} ms`,
  );
  return lines.join('\n');
}

export function formatTiers(c: StreamStats): string[] {
  const row = (name: string, t: TierStats) =>
    `  ${name.padEnd(12)} ${String(t.blocks).padStart(5)} blocks ${String(t.tokens).padStart(7)} tokens  RAM ${formatBytes(t.ramBytes).padStart(9)}  disk ${formatBytes(t.diskBytes).padStart(9)}  hits ${t.hits} misses ${t.misses} evictions ${t.evictions}`;
  return [
    row('sink', c.sink),
    row('recent', c.recent),
    row('retrievable', c.retrievable),
    `  frames ${c.framesEncoded} encoded, ${c.framesSkipped} skipped as unchanged`,
  ];
}
