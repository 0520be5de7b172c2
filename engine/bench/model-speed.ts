// Model runtime speed, side by side with transformers.js on the same folder and prompt:
// vision encoder ms per tile, prefill tokens/s, decode tokens/s, and their ratios.
//
//   node --import tsx engine/bench/model-speed.ts --preset NAME (a reference preset) \
//     [--model DIR] [--out file.json] [--runs N] [--tokens N] [--split] [--threads N]
//     [--dtype fp32|fp16|q8|q4] [--context N] [--image WxH]
//
// --dtype picks the same onnx/*<suffix>.onnx files on both sides; --context repeats the
// text prompt until it holds at least N tokens, so decoding runs over a longer cache;
// --image sets the picture's size (default 960x540). Qwen2-VL folders run too: give them a
// size that is already a multiple of 28 within both processors' limits, so both sides
// encode the same pixels (1008x560 is a 1280x720 frame at the video cap).
//
// Both sides run on onnxruntime-node's CPU provider, so the ratios measure what each
// runtime adds around the same kernels (feeds, copies, cache handling, graph options).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModel, MODEL_DTYPES, type ModelDtype, type VisionLanguageModel } from '../model';
import type { RgbImage } from '../model/image-input';
import { ensureReferenceModel, isReferencePresetName, REFERENCE_PRESETS } from '../model/reference';
import { adaptModel } from '../stream/model-adapter';

interface Figures {
  visionMsPerTile: number;
  prefillTokensPerSec: number;
  decodeTokensPerSec: number;
}

interface Setup {
  tiles: number;
  /** Tokens of the image prompt (text + image tokens). */
  promptTokens: number;
  /** Tokens of the text-only prompt used to time prefill and decode. */
  prefillTokens: number;
  newTokens: number;
  runs: number;
  dtype: ModelDtype;
  /** The decoder file both sides ran (the dtype's). */
  decoderFile: string;
  /** One video frame of the picture in a stream: its tokens, the positions they take, and its float32 KV bytes. */
  frame: { tokens: number; positions: number; kvBytes: number };
}

const PROMPT =
  'Look at this screen recording frame carefully. Which window is in front, what does its title bar say, ' +
  'and is there any error message, dialog or notification visible? Answer in one short sentence.';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

/** A smooth synthetic screen-like picture (deterministic). */
function benchImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const bar = y < height / 12 ? 40 : 0;
      data[i] = 200 - bar + Math.round(40 * Math.sin(x / 37));
      data[i + 1] = 210 - bar + Math.round((30 * y) / height);
      data[i + 2] = 220 - bar;
    }
  return { data, width, height };
}

const messages = [
  {
    role: 'user' as const,
    content: [{ type: 'image' as const }, { type: 'text' as const, text: PROMPT }],
  },
];

/**
 * Prefill and decode are timed on a text-only chat prompt: the decoder's cost does not
 * depend on whether a row came from an image, and transformers.js then needs no
 * subtraction of a separately timed vision pass (too noisy on a shared machine).
 */
let textMessages = textPrompt(3);

function textPrompt(repeats: number) {
  const text = Array.from({ length: repeats }, () => PROMPT).join(' ');
  return [{ role: 'user' as const, content: [{ type: 'text' as const, text }] }];
}

/** Repeats the text prompt until the chat-formatted prompt holds at least `tokens` tokens. */
function lengthenTextPrompt(model: VisionLanguageModel, tokens: number): void {
  const count = () =>
    model.tokenizer.encode(model.tokenizer.applyChatTemplate(textMessages)).length;
  for (let repeats = 4; count() < tokens; repeats++) textMessages = textPrompt(repeats);
}

/** One measured pass: milliseconds for the vision encoder, the prefill, and per decoded token. */
interface Sample {
  visionMs: number;
  prefillMs: number;
  decodeMsPerToken: number;
}

interface Side {
  runOnce(): Promise<Sample>;
  close(): Promise<void>;
}

async function engineSide(
  dir: string,
  image: RgbImage,
  split: boolean,
  setup: Setup,
  options: { threads?: number; dtype: ModelDtype; context?: number },
): Promise<Side> {
  const model = await loadModel(dir, {
    provider: 'cpu',
    intraOpThreads: options.threads,
    dtype: options.dtype,
  });
  setup.dtype = options.dtype;
  setup.decoderFile = model.files.decoder.relative;
  if (options.context) lengthenTextPrompt(model, options.context);
  const prompt = await model.preparePrompt({ messages, images: [image], doImageSplitting: split });
  setup.tiles = prompt.images[0].numTiles;
  setup.promptTokens = prompt.ids.length;
  setup.frame = await frameCost(model, image);
  const textIds = model.tokenizer.encode(model.tokenizer.applyChatTemplate(textMessages));
  setup.prefillTokens = textIds.length;
  return {
    async runOnce() {
      const [, visionMs] = await timed(() => model.encodeImages(prompt.images));
      const [embeds, embedMs] = await timed(() => model.embedTokens(textIds));
      const result = await model.generate(
        { embeds, ids: textIds },
        { maxNewTokens: setup.newTokens, stopTokenIds: [] },
      );
      return { visionMs, prefillMs: embedMs + result.ttftMs, decodeMsPerToken: result.tpotMs };
    },
    close: () => model.dispose(),
  };
}

/** What one frame of `image` costs a stream: tokens, positions and float32 KV bytes. */
async function frameCost(model: VisionLanguageModel, image: RgbImage): Promise<Setup['frame']> {
  const frame = { index: 0, timeSec: 0, ...image, rgb: Buffer.from(image.data) };
  const { embeds, layout } = await adaptModel(model).embedFrame(frame, false);
  const { hiddenSize, numLayers, numKvHeads, headDim } = model.spec;
  const tokens = embeds.length / hiddenSize;
  const kvBytes = tokens * numLayers * 2 * numKvHeads * headDim * 4;
  return { tokens, positions: layout?.extent ?? tokens, kvBytes };
}

/** The vision encoder's feeds as the family's processor gives them. */
function visionInputs(inputs: Record<string, unknown>): Record<string, unknown> {
  const { pixel_values, pixel_attention_mask, image_grid_thw } = inputs;
  return image_grid_thw ? { pixel_values, image_grid_thw } : { pixel_values, pixel_attention_mask };
}

/** transformers.js through its public API: encode_image, and generate with a timing streamer. */
async function transformersJsSide(
  dir: string,
  image: RgbImage,
  split: boolean,
  setup: Setup,
): Promise<Side> {
  const tjs = await import('@huggingface/transformers');
  tjs.env.allowRemoteModels = false;
  tjs.env.allowLocalModels = true;
  tjs.env.localModelPath = `${dirname(dir)}/`;
  const processor = await tjs.AutoProcessor.from_pretrained(basename(dir));
  const model = await tjs.AutoModelForImageTextToText.from_pretrained(basename(dir), {
    dtype: setup.dtype,
    device: 'cpu',
  });
  const raw = new tjs.RawImage(new Uint8ClampedArray(image.data), image.width, image.height, 3);
  const text = processor.apply_chat_template(messages as never, { add_generation_prompt: true });
  const imageInputs = await processor(text, [raw], { do_image_splitting: split });
  if (imageInputs.input_ids.dims[1] !== setup.promptTokens)
    throw new Error(
      `transformers.js image prompt has ${imageInputs.input_ids.dims[1]} tokens, ours ${setup.promptTokens}`,
    );
  const textPrompt = processor.apply_chat_template(textMessages as never, {
    add_generation_prompt: true,
  }) as string;
  const textInputs = processor.tokenizer!(textPrompt) as { input_ids: { dims: number[] } };
  if (textInputs.input_ids.dims[1] !== setup.prefillTokens)
    throw new Error(
      `transformers.js text prompt has ${textInputs.input_ids.dims[1]} tokens, ours ${setup.prefillTokens}`,
    );
  const encode = (
    model as unknown as { encode_image(i: object): Promise<unknown> }
  ).encode_image.bind(model);
  return {
    async runOnce() {
      const [, visionMs] = await timed(() => encode(visionInputs(imageInputs)));
      // put() is called once with the prompt, before the first forward pass, then once per token.
      const stamps: number[] = [];
      const streamer = { put: () => stamps.push(performance.now()), end: () => undefined };
      await model.generate({
        ...textInputs,
        max_new_tokens: setup.newTokens,
        min_new_tokens: setup.newTokens,
        do_sample: false,
        streamer: streamer as never,
      });
      if (stamps.length !== setup.newTokens + 1)
        throw new Error(
          `transformers.js streamed ${stamps.length - 1} tokens, expected ${setup.newTokens}`,
        );
      return {
        visionMs,
        prefillMs: stamps[1] - stamps[0],
        decodeMsPerToken: (stamps[setup.newTokens] - stamps[1]) / (setup.newTokens - 1),
      };
    },
    close: async () => {
      await model.dispose();
    },
  };
}

function summarise(samples: Sample[], setup: Setup): Figures {
  return {
    visionMsPerTile: median(samples.map((s) => s.visionMs)) / setup.tiles,
    prefillTokensPerSec: setup.prefillTokens / (median(samples.map((s) => s.prefillMs)) / 1000),
    decodeTokensPerSec: 1000 / median(samples.map((s) => s.decodeMsPerToken)),
  };
}

/** Runs the two sides alternately, so load from other processes hits both alike. */
async function measure(sides: [Side, Side], runs: number): Promise<Sample[][]> {
  const samples: Sample[][] = [[], []];
  for (let run = 0; run <= runs; run++)
    for (let i = 0; i < 2; i++) {
      const sample = await sides[i].runOnce();
      if (run > 0) samples[i].push(sample); // run 0 warms up
    }
  return samples;
}

function ratios(ours: Figures, theirs: Figures) {
  return {
    visionSpeedup: theirs.visionMsPerTile / ours.visionMsPerTile,
    prefillSpeedup: ours.prefillTokensPerSec / theirs.prefillTokensPerSec,
    decodeSpeedup: ours.decodeTokensPerSec / theirs.decodeTokensPerSec,
  };
}

function writeJson(path: string, value: unknown) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, path);
}

async function main() {
  const { values } = parseArgs({
    options: {
      preset: { type: 'string', default: 'tiny' },
      model: { type: 'string' },
      out: { type: 'string' },
      runs: { type: 'string', default: '3' },
      tokens: { type: 'string' },
      split: { type: 'boolean', default: false },
      threads: { type: 'string' },
      dtype: { type: 'string', default: 'fp32' },
      context: { type: 'string' },
      image: { type: 'string', default: '960x540' },
    },
  });
  const dtype = values.dtype as ModelDtype;
  if (!MODEL_DTYPES.includes(dtype))
    throw new Error(`--dtype must be one of ${MODEL_DTYPES.join(', ')}`);
  const preset = values.preset!;
  if (!isReferencePresetName(preset))
    throw new Error(`--preset must be one of ${REFERENCE_PRESETS.join(', ')}`);
  const size = /^(\d+)x(\d+)$/.exec(values.image!);
  if (!size) throw new Error(`--image must be WIDTHxHEIGHT, got ${values.image}`);
  const dir = values.model ? resolve(values.model) : await ensureReferenceModel(preset);
  const setup: Setup = {
    tiles: 0,
    promptTokens: 0,
    prefillTokens: 0,
    newTokens: Number(values.tokens ?? (preset.endsWith('tiny') ? 32 : 16)),
    runs: Number(values.runs),
    dtype,
    decoderFile: '',
    frame: { tokens: 0, positions: 0, kvBytes: 0 },
  };
  const threads = values.threads ? Number(values.threads) : undefined;
  const image = benchImage(Number(size[1]), Number(size[2]));
  const split = values.split ?? false;
  const context = values.context ? Number(values.context) : undefined;
  const ours = await engineSide(dir, image, split, setup, { threads, dtype, context });
  let samples: Sample[][];
  try {
    const theirs = await transformersJsSide(dir, image, split, setup);
    try {
      samples = await measure([ours, theirs], setup.runs);
    } finally {
      await theirs.close();
    }
  } finally {
    await ours.close();
  }
  const engine = summarise(samples[0], setup);
  const transformersJs = summarise(samples[1], setup);
  const report = {
    date: new Date().toISOString(),
    preset,
    modelDir: dir,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      node: process.version,
      // Other processes share this machine: a high load average means noisy figures.
      loadAverage1m: loadavg()[0],
    },
    setup: {
      ...setup,
      imageSize: `${image.width}x${image.height}`,
      imageSplitting: split,
      threads: threads ?? 'onnxruntime default',
      provider: 'cpu',
    },
    definitions: {
      visionMsPerTile: 'vision encoder call time / tiles (median of runs)',
      prefillTokensPerSec:
        'text-only prompt tokens / time from the start of generation to the first token (embedding + prefill + token choice)',
      decodeTokensPerSec: 'tokens after the first / their time (greedy, stop tokens off)',
      speedups: '> 1 means this engine is faster than transformers.js',
    },
    engine,
    transformersJs,
    ratio: ratios(engine, transformersJs),
    samples: { engine: samples[0], transformersJs: samples[1] },
  };
  const out = values.out ?? join('bench-results', `model-speed-${preset}.json`);
  writeJson(out, report);
  const row = (name: string, a: number, b: number, r: number) =>
    `${name.padEnd(24)} ${a.toFixed(2).padStart(10)} ${b.toFixed(2).padStart(14)} ${r.toFixed(2).padStart(8)}x`;
  console.log(
    [
      `model-speed ${preset}: ${setup.tiles} tile(s) (image prompt ${setup.promptTokens} tokens); prefill of ${setup.prefillTokens} text tokens; ${setup.newTokens} new tokens; median of ${setup.runs}`,
      `${''.padEnd(24)} ${'engine'.padStart(10)} ${'transformers.js'.padStart(14)} ${'speedup'.padStart(9)}`,
      row(
        'vision ms/tile',
        engine.visionMsPerTile,
        transformersJs.visionMsPerTile,
        report.ratio.visionSpeedup,
      ),
      row(
        'prefill tokens/s',
        engine.prefillTokensPerSec,
        transformersJs.prefillTokensPerSec,
        report.ratio.prefillSpeedup,
      ),
      row(
        'decode tokens/s',
        engine.decodeTokensPerSec,
        transformersJs.decodeTokensPerSec,
        report.ratio.decodeSpeedup,
      ),
      `written to ${out}`,
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(`model-speed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
