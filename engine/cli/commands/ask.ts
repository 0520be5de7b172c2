// `vlm ask <video-or-image> "<question>"`: opens a stream over the file (reusing a saved
// encoding when there is one), answers the question with streamed tokens, and prints the
// evidence (times, scores, text) and the cache statistics.
import { formatTime } from '../../cache/block';
import {
  askJson,
  formatReport,
  NO_MODEL_NOTICE,
  REFERENCE_ANSWER_LABEL,
  REFERENCE_RETRIEVAL_NOTICE,
  type AskModelInfo,
} from '../ask-output';
import { POLICY_NAMES, type PolicyName } from '../../cache/policies';
import { DTYPE_CHOICES, type DtypeChoice } from '../../model';
import { SCORER_NAMES, type ScorerName } from '../../cache/retrieval';
import { resolveRemoteConfig } from '../../remote';
import { checkQuestion, EngineSession, SESSION_DEFAULTS } from '../../session';
import { checkFileArgument, checkFileDecodes, parseCommandArgs, usage } from '../args';
import { ExitCode, UsageError, type Command, type CommandIo } from '../command';
import { printable } from '../printable';
import { firstAskModel } from './first-ask-model';

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
  dtype: { type: 'string' },
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
  offline: { type: 'boolean' },
  reference: { type: 'boolean' },
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
  --json             print one JSON object: answer, model, evidence[], timings, cache
  --model NAME       a model folder, a pulled Hub model ORG/NAME[@REVISION] (vlm model
                     pull), or reference:tiny (default: VLM_MODEL_DIR, else the pulled
                     default model). With none installed, the first ask pulls the default
                     model; offline, the built-in reference model encodes the frames and
                     only the evidence is printed
  --dtype NAME       weights to load when the model has several: ${DTYPE_CHOICES.join(' | ')}
                     (default VLM_DTYPE, else auto: q8 when every part has it, else fp32)
  --offline          never contact the Hugging Face Hub (also HF_HUB_OFFLINE=1)
  --reference        with no model installed, also print the reference model's tokens
                     (labelled: its weights are generated, its answers mean nothing)
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
  --ocr              read the on-screen text of every encoded frame, whatever the file
  --no-ocr           do not read on-screen text (by default it is read for screenshots
                     and screen recordings, judged from their pixels, and skipped for
                     camera footage: retrieval matches it against the question and the
                     evidence shows it)
  --no-cache         do not save or reuse the encoded stream
  --remote           answer with a remote OpenAI-compatible server (vLLM, SGLang, Ollama,
                     llama.cpp) configured by VLM_REMOTE_BASE_URL, VLM_REMOTE_MODEL and
                     VLM_REMOTE_API_KEY: the local engine still ingests, gates and
                     retrieves; the frames it retrieves go to the server with their times
`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, options, 'ask');
    if (positionals.length !== 2)
      throw new UsageError('expected a file and a question: vlm ask <video-or-image> "<question>"');
    const [file, question] = positionals;
    // The question and the file are checked first, before any model work.
    usage(() => checkQuestion(question));
    const kind = await checkFileArgument(file);
    const policy = oneOf<PolicyName>('policy', values.policy, POLICY_NAMES);
    const scorer = oneOf<ScorerName>('scorer', values.scorer, SCORER_NAMES);
    const fps = positive('fps', values.fps, false);
    const recentBlocks = positive('recent-blocks', values['recent-blocks'], true);
    const topK = positive('top-k', values['top-k'], true);
    const maxTokens = positive('max-tokens', values['max-tokens'], true);
    const quant = oneOf('quant', values.quant, ['8', '4', '32'] as const);
    const dtype = oneOf<DtypeChoice>('dtype', values.dtype, DTYPE_CHOICES);

    const gate = values['no-gate'] ? false : gateOption(values.gate);
    const maxFrames = positive('max-frames', values['max-frames'], true);
    if (values.remote) checkRemote();
    // A damaged file is reported before a model is chosen or pulled.
    await checkFileDecodes(file, kind, io.signal);
    const session = new EngineSession({
      cacheDir: values['no-cache'] ? null : undefined,
      dtype,
      remote: values.remote ? {} : undefined,
      onWarning: (m) => io.err(`warning: ${m}`),
    });
    const warnings: string[] = [];
    try {
      const loaded = await session.model(
        values.model ?? (await firstAskModel(session.selectedModel, values.offline, io)),
      );
      const model: AskModelInfo = {
        id: loaded.id,
        installed: !loaded.reference,
        showReference: loaded.reference && (!!values.reference || values.model !== undefined),
        remote: !!values.remote,
        hub: loaded.hub,
      };
      announceModel(model, !!values.json, io);
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
          screenText: values['no-ocr'] ? 'off' : values.ocr ? 'on' : 'auto',
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
        const tokens = shownTokens(model);
        if (tokens === 'reference' && !values.json) io.out(REFERENCE_ANSWER_LABEL);
        const result = await stream.ask(question, {
          // Generated even when not shown: the answer's token room decides how many older
          // frames retrieval brings back, so every entry point gets the same evidence.
          maxTokens,
          signal: io.signal,
          onToken:
            values.json || tokens === 'none'
              ? undefined
              : (t: string) => process.stdout.write(printable(t)),
        });
        const extra = { reopened: stream.reopened, warnings };
        io.out(
          values.json
            ? JSON.stringify(askJson(result, model, extra), null, 2)
            : `${tokens === 'none' ? '' : '\n'}${formatReport(result, stream.reopened)}`,
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

/** With no model installed, says so on stdout (text mode) and stderr. */
function announceModel(model: AskModelInfo, json: boolean, io: CommandIo): void {
  if (model.installed) return;
  if (model.remote) return io.err(REFERENCE_RETRIEVAL_NOTICE);
  io.err(NO_MODEL_NOTICE);
  if (!json) io.out(NO_MODEL_NOTICE);
}

/** Which tokens reach stdout: the answer, the reference model's (labelled), or none. */
function shownTokens(model: AskModelInfo): 'answer' | 'reference' | 'none' {
  if (model.installed || model.remote) return 'answer';
  return model.showReference ? 'reference' : 'none';
}

/** --gate N: luma levels out of 255, as the engine's frame gate reads them. */
function gateOption(value: string | undefined): { threshold: number } | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n >= 0 && n <= 255))
    throw new UsageError(`--gate must be a number of luma levels from 0 to 255, got '${value}'`);
  return { threshold: n };
}
