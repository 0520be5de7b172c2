// Public API of the stream engine: open a stream over a video, an image or live frames,
// ask questions about it, read its cache statistics, close it. Several streams can share
// one memory budget. A file source is persisted (encode once, ask many times) when a
// cache directory is usable; otherwise the stream lives in RAM and says so.
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BlockMeta } from '../cache/block';
import { BlockStore } from '../cache/block-store';
import { MemoryBudget } from '../cache/memory-budget';
import { persistKey, sourceContentHash } from '../cache/persistence';
import { policyByName, type PolicyName } from '../cache/policies';
import type { ScorerName, TextEvidenceSource } from '../cache/retrieval';
import { FrameTextIndex } from '../cache/retrieval/text-index';
import type { QuantBits } from '../cache/quant';
import { GATE_DEFAULTS, type FrameGateOptions } from '../ingest';
import { detectMediaKind } from '../media';
import { readImageFrame } from './image-source';
import type { StreamModel, VideoFrame } from './model-port';
import type { IngestItem } from './types';
import { sweepDebris, workFolder } from './debris';
import { keepWithinBudget, reopenInto, saveInto } from './saved-stream';
import { VIDEO_DECODER, VIDEO_MAX_EDGE, videoFrames } from './video-source';
import {
  KvStream,
  type AskOptions,
  type AskResult,
  type BlockLocation,
  type StreamStats,
} from './stream';

export type { StreamModel, VideoFrame } from './model-port';
export type { IngestItem } from './types';
export type {
  AskOptions,
  BlockLocation,
  AskResult,
  AskTimings,
  ExternalGenerator,
  StreamStats,
  TierStats,
} from './stream';
export { StreamLimitError } from './stream';
export { MemoryBudget } from '../cache/memory-budget';
export type { Evidence, TextEvidenceSource, TextHit } from '../cache/retrieval';

export type StreamSource =
  /** A video or image file; which one is decided from its content (an animated GIF is a video). */
  | string
  /** Frames pushed with pushFrame() (live sources, tests); `frames` are ingested in the background. */
  | { kind: 'live'; id?: string; frames?: AsyncIterable<IngestItem> };

export interface OpenStreamOptions {
  model: StreamModel;
  policy?: PolicyName;
  sinkTokens?: number;
  recentBlocks?: number;
  topK?: number;
  /** Defaults to the model's maxPositions; may not exceed it. */
  maxContextTokens?: number;
  answerReserveTokens?: number;
  /** Precision of retrievable blocks: 8 (default), 4, or 32 (no quantization). */
  quantBits?: QuantBits;
  /** A budget shared with other streams, or a byte count for this stream alone. */
  memoryBudget?: MemoryBudget | number;
  /** Dequantized blocks kept ready. */
  poolBlocks?: number;
  scorer?: ScorerName;
  /** A text index to search (e.g. the OCR index of the video); see also frameText. */
  textEvidence?: TextEvidenceSource;
  /**
   * Reads the text on each encoded frame (OCR). The text is attached to the frame's block,
   * saved with the stream, and searched for questions when no textEvidence is given.
   */
  frameText?: (frame: VideoFrame, signal?: AbortSignal) => Promise<string | null>;
  /** Frames per second sampled from a video (part of the persistence key; default 1). */
  fps?: number;
  /**
   * The near-duplicate frame gate (thresholds in luma levels, 0-255; see
   * engine/ingest/frame-gate.ts), or false to encode every sampled frame.
   */
  gate?: FrameGateOptions | false;
  /** Stop after this many encoded frames (a preview); saved under its own key. */
  maxFrames?: number;
  /** A file is a still image or a video; default: decided from its content. */
  still?: boolean;
  /** Where encoded streams and spill files go; null: RAM only. */
  cacheDir?: string | null;
  /** Save file sources for reuse (default true when cacheDir is usable). */
  persist?: boolean;
  /** Disk budget for <cacheDir>/streams, least recently used streams removed first. */
  diskBudgetBytes?: number;
  onWarning?: (message: string) => void;
  /** Called after each frame is encoded or skipped while the source is ingested. */
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
}

export interface IngestProgress {
  framesEncoded: number;
  framesSkipped: number;
  /** Time of the newest frame seen. */
  timeSec: number;
}

export interface VideoStream {
  readonly id: string;
  /** Folder of the saved stream, or null when it lives in RAM only. */
  readonly persistDir: string | null;
  /** True when the stream was reopened from disk without re-encoding. */
  readonly reopened: boolean;
  readonly warnings: string[];
  /** Resolves when the source has been fully ingested (and saved, when persisted). */
  readonly ready: Promise<void>;
  pushFrame(frame: VideoFrame, signal?: AbortSignal): Promise<BlockMeta>;
  ask(question: string, options?: AskOptions): Promise<AskResult>;
  stats(): StreamStats;
  /** Every block in time order with its tier (sink, recent, or offloaded to RAM or disk). */
  blocks(): BlockLocation[];
  close(): Promise<void>;
  /** The underlying engine (tests and benchmarks push synthetic blocks through it). */
  readonly engine: KvStream;
}

/** The stream's defaults; the editor's settings default to the same values (a test checks). */
export const STREAM_DEFAULTS = {
  policy: 'rekv' as PolicyName,
  sinkTokens: 512,
  recentBlocks: 8,
  topK: 8,
  answerReserveTokens: 256,
  quantBits: 8 as QuantBits,
  poolBlocks: 16,
  // Measured better on the needle benchmark (engine/bench/cache-bench.ts), and needs no query outputs.
  scorer: 'keys' as ScorerName,
  fps: 1,
  diskBudgetBytes: 4 * 1024 ** 3,
};

/** The budget streams share when none is given: 1 GiB of offloaded KV in RAM. */
let processBudget: MemoryBudget | undefined;
export function sharedMemoryBudget(): MemoryBudget {
  return (processBudget ??= new MemoryBudget(1024 ** 3));
}

const openPersistDirs = new Set<string>();

export async function openStream(
  source: StreamSource,
  options: OpenStreamOptions,
): Promise<VideoStream> {
  const o = { ...STREAM_DEFAULTS, ...stripUndefined(options) };
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  const policy = policyByName(o.policy);
  const model = options.model;
  for (const message of model.warnings ?? []) warn(message);
  const budgets = {
    sinkTokens: o.sinkTokens,
    recentBlocks: o.recentBlocks,
    topK: o.topK,
    maxContextTokens: o.maxContextTokens ?? model.spec.maxPositions,
    answerReserveTokens: o.answerReserveTokens,
  };
  const budget =
    typeof o.memoryBudget === 'number'
      ? new MemoryBudget(o.memoryBudget)
      : (o.memoryBudget ?? sharedMemoryBudget());
  const filePath = typeof source === 'string' ? resolve(source) : null;
  const still = filePath !== null && (o.still ?? (await detectMediaKind(filePath)) === 'image');
  const gate = o.gate === false ? false : { ...GATE_DEFAULTS, ...o.gate };
  const cacheDir = o.cacheDir === undefined ? null : o.cacheDir;
  const usableCache = cacheDir ? writableDir(cacheDir, warn) : null;

  let persistDir: string | null = null;
  if (filePath && usableCache && o.persist !== false) {
    const key = persistKey({
      sourceHash: sourceContentHash(filePath),
      modelIdentity: model.identity,
      settings: {
        model: model.settings,
        ingest: still
          ? { still: true }
          : {
              decoder: VIDEO_DECODER,
              maxEdge: VIDEO_MAX_EDGE,
              fps: o.fps,
              gate,
              maxFrames: o.maxFrames ?? null,
            },
        policy: policy.name,
        sinkTokens: budgets.sinkTokens,
        window: policy.windowBlocks(budgets),
        maxContextTokens: budgets.maxContextTokens,
        answerReserveTokens: budgets.answerReserveTokens,
        quantBits: o.quantBits,
        frameText: options.frameText !== undefined,
      },
    });
    persistDir = join(usableCache, 'streams', key);
  }
  if (usableCache) sweepDebris(usableCache);
  // A new encoding is written in a work folder and renamed into place once saved whole.
  const workDir = persistDir ? workFolder(persistDir, randomBytes(6).toString('hex')) : null;
  const spillDir =
    workDir ??
    (usableCache
      ? join(usableCache, 'spill', `${process.pid}-${randomBytes(6).toString('hex')}`)
      : null);
  const store = new BlockStore({
    spec: model.spec,
    bits: o.quantBits,
    budget,
    dir: spillDir,
    poolBlocks: o.poolBlocks,
    onWarning: warn,
  });
  const textIndex = options.frameText ? new FrameTextIndex() : undefined;
  let engine: KvStream;
  try {
    engine = new KvStream(
      model,
      policy,
      budgets,
      store,
      budget,
      { primary: o.scorer, textEvidence: o.textEvidence ?? textIndex },
      still,
    );
  } catch (error) {
    store.close(false);
    throw error;
  }

  const reopened = persistDir !== null && reopenInto(persistDir, engine, store, textIndex, warn);
  if (!reopened)
    await engine.init().catch(async (error: unknown) => {
      await engine.close(persistDir !== null); // leave the shared budget as it was
      throw error;
    });
  if (persistDir) openPersistDirs.add(persistDir);
  if (workDir) openPersistDirs.add(workDir);

  /** Encodes a frame, then reads its text when asked to (attached to the block and indexed). */
  const encode = async (frame: VideoFrame, signal?: AbortSignal): Promise<BlockMeta> => {
    const meta = await engine.pushFrame(frame, signal);
    if (options.frameText && textIndex) {
      try {
        const text = (await options.frameText(frame, signal))?.trim();
        if (text) {
          meta.text = text;
          textIndex.add(meta.frameIndex, meta.timeSec, text);
        }
      } catch (error) {
        warn(
          `could not read the text of frame ${frame.index} (${(error as Error).message}); it is searchable by content only`,
        );
      }
    }
    return meta;
  };
  let closing = false;
  const ingest = async (items: AsyncIterable<IngestItem>) => {
    for await (const item of items) {
      if (options.signal?.aborted) throw new Error('stream opening was cancelled');
      // Throwing (not returning) keeps a stream closed mid-ingest from being saved as complete.
      if (closing) throw new Error('the stream was closed before its source was fully ingested');
      if ('skipped' in item) engine.noteSkipped(item.skipped, item.lastTimeSec);
      else await encode(item, options.signal);
      if (options.onProgress) {
        const st = engine.stats();
        options.onProgress({
          framesEncoded: st.framesEncoded,
          framesSkipped: st.framesSkipped,
          timeSec: st.streamEndSec,
        });
      }
    }
  };
  const capped = (items: AsyncIterable<IngestItem>) =>
    o.maxFrames ? takeFrames(items, o.maxFrames) : items;
  let ready: Promise<void>;
  if (reopened) ready = Promise.resolve();
  else if (filePath && still)
    ready = readImageFrame(filePath).then((frame) => encode(frame).then(() => undefined));
  else if (filePath) {
    ready = ingest(capped(videoFrames(filePath, { fps: o.fps, gate, signal: options.signal })));
  } else
    ready =
      typeof source === 'object' && source.frames
        ? ingest(capped(source.frames))
        : Promise.resolve();
  if (persistDir && !reopened) {
    const dir = persistDir;
    ready = ready.then(() =>
      saveInto(
        dir,
        { engine, store, source: filePath!, model, openDirs: openPersistDirs, workDir: workDir! },
        o.diskBudgetBytes,
        warn,
      ),
    );
  }
  ready.catch(() => undefined); // observed by whoever awaits `ready`; never an unhandled rejection

  const id =
    typeof source === 'object' && source.id
      ? source.id
      : (filePath ?? `live-${randomBytes(4).toString('hex')}`);
  return {
    id,
    persistDir,
    reopened,
    warnings,
    ready,
    engine,
    pushFrame: (frame, signal) => encode(frame, signal),
    ask: (question, askOptions) => engine.ask(question, askOptions),
    stats: () => engine.stats(),
    blocks: () => engine.blockLocations(),
    close: async () => {
      // A live source may never end: stop taking its frames rather than wait for it.
      closing = true;
      if (persistDir) openPersistDirs.delete(persistDir);
      if (workDir) openPersistDirs.delete(workDir);
      await engine.close(persistDir !== null);
      // The spill or work folder: after a good save the work folder was renamed away.
      if (spillDir) rmSync(spillDir, { recursive: true, force: true });
      // The budget skipped this stream while it was open.
      if (persistDir) keepWithinBudget(persistDir, o.diskBudgetBytes, openPersistDirs, warn);
    },
  };
}

/** The cache dir if it can be written (probe file), else null with a warning. */
function writableDir(dir: string, warn: (message: string) => void): string | null {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    const probe = join(dir, `.probe-${process.pid}-${randomBytes(4).toString('hex')}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
    return dir;
  } catch (error) {
    warn(
      `cache directory ${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ` +
        'keeping KV blocks in RAM only (oldest offloaded blocks are dropped beyond the memory budget) and not saving the stream',
    );
    return null;
  }
}

/** The items up to and including the `max`-th frame (skipped spans do not count). */
async function* takeFrames(
  items: AsyncIterable<IngestItem>,
  max: number,
): AsyncIterable<IngestItem> {
  let count = 0;
  for await (const item of items) {
    yield item;
    if (!('skipped' in item) && ++count >= max) return;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
