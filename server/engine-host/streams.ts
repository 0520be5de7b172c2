// long-file: not yet split into smaller modules
// Open streams (worker side): opening one over a file or a live source with the selected
// model, following its encoding, asking it questions, reading its cache, closing it.
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFrames, FrameGate, type LiveSourceSpec } from '../../engine/ingest';
import {
  openStream,
  StreamLimitError,
  type AskResult as EngineAskResult,
  type IngestItem,
  type StreamStats,
  type VideoStream,
} from '../../engine/stream';
import {
  TIMELINE_MAX_BLOCKS,
  VlmErrorCodes,
  type AskParams,
  type AskResult,
  type CacheStats,
  type OpenStreamParams,
  type SearchTextResult,
  type StreamSource,
  type StreamSummary,
} from '../../protocol/protocol';
import {
  RemoteChatBackend,
  remoteConfigured,
  remoteGenerator,
  StillStore,
  resolveRemoteConfig,
} from '../../engine/remote';
import type { ExternalGenerator } from '../../engine/stream';
import { cacheDir, engineSettings, positive } from './config';
import { EngineError, notAvailable } from './engine-error';
import type { CallContext } from './types';
import { mapEngineError } from './map-engine-error';
import { describeMedia, mediaKind, requirePath } from './media';
import { currentModel } from './models';
import { dropTextIndex, lazyTextEvidence, searchText } from './text-search';

const DEFAULT_FPS = 1;
const STATUS_PERIOD_MS = 500;

interface OpenedStream {
  summary: StreamSummary;
  fps: number;
  stream: VideoStream;
  /** Aborting it stops encoding (the stream stays usable with what it has). */
  encoding: AbortController;
  framesEstimate?: number;
  timer: NodeJS.Timeout;
  lastRetrieved?: CacheStats['lastRetrieved'];
  /** A live stream's sampled frames, kept for a remote server when vlm.remote was set at open. */
  stills?: StillStore;
}

const streams = new Map<string, OpenedStream>();
let nextId = 1;

export function requireStream(streamId: string): OpenedStream {
  const opened = streams.get(streamId);
  if (!opened)
    throw new EngineError(
      VlmErrorCodes.UnknownStream,
      `unknown stream '${streamId}': no open stream has this id`,
    );
  return opened;
}

export function listOpenStreams(): StreamSummary[] {
  return [...streams.values()].map((s) => ({ ...s.summary }));
}

export async function openVideoStream(
  params: OpenStreamParams,
  ctx: CallContext,
): Promise<StreamSummary> {
  const loaded = await currentModel(ctx);
  const settings = engineSettings();
  const fps = params.sampleFps ?? positive(settings.sampling?.fps) ?? DEFAULT_FPS;
  const source = params.source;
  const media = source.kind === 'file' ? await describeMedia(source.uri, ctx.signal) : undefined;
  const encoding = new AbortController();
  const cancelOpen = () => encoding.abort();
  ctx.signal.addEventListener('abort', cancelOpen, { once: true });
  const limit = (items: AsyncIterable<IngestItem>) =>
    params.maxFrames ? take(items, params.maxFrames) : items;
  const streamId = `stream-${nextId++}`;
  // A live source cannot be rewound: keep its stills if a remote server may be asked.
  const stills =
    source.kind !== 'file' && remoteConfigured(settings.remote) ? new StillStore() : undefined;
  let stream: VideoStream;
  try {
    stream = await openStream(
      source.kind === 'file'
        ? requirePath(source.uri, 'source.uri')
        : { kind: 'live', frames: limit(liveFrames(source, fps, encoding.signal, stills)) },
      {
        model: loaded.stream,
        fps,
        cacheDir: cacheDir(),
        sinkTokens: positive(settings.budget?.sinkTokens),
        recentBlocks: positive(settings.budget?.recentFrames),
        retrievedTopK: positive(settings.budget?.topK),
        maxContextTokens: positive(settings.budget?.maxContextTokens),
        diskBudgetBytes: mib(settings.cache?.diskBudgetMB),
        signal: encoding.signal,
        textEvidence: lazyTextEvidence(streamId),
        decodeFrames: customDecoder(params.maxFrames, positive(settings.gate?.threshold)),
      },
    );
  } catch (error) {
    throw mapEngineError(error, source.kind === 'file' ? source.uri : undefined);
  }
  const opened: OpenedStream = {
    fps,
    stream,
    encoding,
    stills,
    framesEstimate:
      media?.durationS !== undefined ? Math.max(1, Math.round(media.durationS * fps)) : undefined,
    summary: {
      streamId,
      label: params.label ?? sourceLabel(source),
      source,
      state: 'encoding',
      media,
      framesDecoded: 0,
      framesEncoded: 0,
      framesSkipped: 0,
      encodedUntilS: 0,
    },
    timer: setInterval(() => refresh(opened, ctx), STATUS_PERIOD_MS),
  };
  streams.set(streamId, opened);
  stream.ready.then(
    () => finish(opened, ctx, source.kind === 'file' ? 'ready' : 'ended'),
    (error: unknown) =>
      finish(
        opened,
        ctx,
        encoding.signal.aborted ? 'ended' : 'failed',
        encoding.signal.aborted ? undefined : String((error as Error).message ?? error),
      ),
  );
  if (params.waitForEncoding) {
    const report = setInterval(
      () => ctx.emit({ kind: 'progress', ...encodingProgress(opened) }),
      STATUS_PERIOD_MS,
    );
    try {
      await stream.ready;
    } catch (error) {
      if (!ctx.signal.aborted)
        throw new EngineError(
          VlmErrorCodes.MediaUnreadable,
          `encoding failed: ${(error as Error).message}`,
        );
    } finally {
      clearInterval(report);
    }
  }
  ctx.signal.removeEventListener('abort', cancelOpen);
  refresh(opened, ctx);
  return { ...opened.summary };
}

/** Stops encoding a stream; what was encoded stays askable. */
export function stopEncoding(streamId: string): StreamSummary {
  const opened = requireStream(streamId);
  opened.encoding.abort();
  return { ...opened.summary };
}

export async function closeVideoStream(streamId: string, ctx?: CallContext): Promise<void> {
  const opened = requireStream(streamId);
  streams.delete(streamId);
  dropTextIndex(streamId);
  clearInterval(opened.timer);
  opened.encoding.abort();
  await opened.stream.close();
  opened.summary.state = 'closed';
  ctx?.notify({ kind: 'streamStatus', payload: { ...opened.summary } });
}

export async function closeAllStreams(): Promise<void> {
  await Promise.all([...streams.keys()].map((id) => closeVideoStream(id).catch(() => {})));
}

export async function askStream(params: AskParams, ctx: CallContext): Promise<AskResult> {
  if (params.timeRange)
    throw notAvailable('stream.timeRange', 'restricting an ask to a time range');
  if (params.streamId !== undefined) return askOpened(requireStream(params.streamId), params, ctx);
  return askImage(params, ctx);
}

async function askOpened(
  opened: OpenedStream,
  params: AskParams,
  ctx: CallContext,
): Promise<AskResult> {
  let result: EngineAskResult;
  let tokens = 0;
  try {
    await firstFrameEncoded(opened, ctx.signal);
    result = await opened.stream.ask(params.question, {
      signal: ctx.signal,
      maxTokens: params.maxTokens,
      onToken: (text) => {
        tokens++;
        ctx.emit({ kind: 'token', text });
      },
      generator: remoteGeneratorFor(opened),
    });
  } catch (error) {
    if (error instanceof StreamLimitError)
      throw new EngineError(VlmErrorCodes.InputTooLarge, error.message);
    throw mapEngineError(error);
  }
  const broughtBack = new Set(result.context.retrieved);
  opened.lastRetrieved = result.evidence
    .filter((e) => broughtBack.has(e.blockId))
    .map((e) => ({ frameIndex: e.frameIndex, timeS: e.timeSec, score: e.score }));
  return {
    askId: params.askId,
    answer: result.answer,
    evidence: result.evidence.map((e) => ({
      timeS: e.timeSec,
      frameIndex: e.frameIndex,
      score: e.score,
      text: e.text,
      reason: evidenceReason(e.scores),
      retrieved: broughtBack.has(e.blockId),
    })),
    timings: {
      retrievalMs: result.timings.retrievalMs,
      ttftMs: result.timings.ttftMs,
      decodeMs: result.timings.totalMs - result.timings.ttftMs,
      totalMs: result.timings.totalMs,
      tokens,
      tokensPerSecond: result.timings.tpotMs > 0 ? 1000 / result.timings.tpotMs : undefined,
    },
    cache: {
      ...toCacheStats(opened.summary.streamId, result.cache, opened.lastRetrieved),
      ...timeline(opened),
    },
  };
}

/** Asks about one image: a short-lived still stream (base64 goes through a temp file). */
async function askImage(params: AskParams, ctx: CallContext): Promise<AskResult> {
  const image = params.image!;
  let tempFile: string | undefined;
  let uri: string;
  if ('uri' in image) uri = image.uri;
  else {
    const ext = image.mimeType?.includes('jpeg')
      ? '.jpg'
      : image.mimeType?.includes('webp')
        ? '.webp'
        : '.png';
    tempFile = join(tmpdir(), `vlm-ask-${randomBytes(6).toString('hex')}${ext}`);
    writeFileSync(tempFile, Buffer.from(image.base64, 'base64'));
    uri = tempFile;
  }
  try {
    const summary = await openVideoStream(
      { source: { kind: 'file', uri }, waitForEncoding: true },
      ctx,
    );
    try {
      return await askOpened(requireStream(summary.streamId), params, ctx);
    } finally {
      await closeVideoStream(summary.streamId).catch(() => {});
    }
  } finally {
    if (tempFile) rmSync(tempFile, { force: true });
  }
}

export function streamCacheStats(streamId?: string): CacheStats[] {
  const selected = streamId !== undefined ? [requireStream(streamId)] : [...streams.values()];
  return selected.map((s) => ({
    ...toCacheStats(s.summary.streamId, s.stream.stats(), s.lastRetrieved),
    ...timeline(s),
  }));
}

/** The stream's blocks with their tiers, sampled evenly down to TIMELINE_MAX_BLOCKS. */
function timeline(opened: OpenedStream): Pick<CacheStats, 'blocks' | 'blocksTotal'> {
  const all = opened.stream.blocks();
  const step = Math.max(1, all.length / TIMELINE_MAX_BLOCKS);
  const blocks = [];
  for (let i = 0; i < all.length; i += step) {
    const b = all[Math.floor(i)];
    blocks.push({ frameIndex: b.frameIndex, timeS: b.timeSec, tier: b.tier });
  }
  return { blocks, blocksTotal: all.length };
}

function toCacheStats(
  streamId: string,
  stats: StreamStats,
  lastRetrieved?: CacheStats['lastRetrieved'],
): CacheStats {
  const tier = (t: StreamStats['sink']) => ({
    blocks: t.blocks,
    tokens: t.tokens,
    bytes: t.ramBytes + t.diskBytes,
  });
  return {
    streamId,
    sink: tier(stats.sink),
    recent: tier(stats.recent),
    retrievable: {
      ...tier(stats.retrievable),
      inRamBytes: stats.retrievable.ramBytes,
      onDiskBytes: stats.retrievable.diskBytes,
    },
    lastRetrieved,
    positionsUsed: stats.positions.window,
    positionsMax: stats.positions.max,
    encodeFps: stats.encodeMs > 0 ? stats.framesEncoded / (stats.encodeMs / 1000) : undefined,
  };
}

function refresh(opened: OpenedStream, ctx: CallContext): void {
  const stats = opened.stream.stats();
  const s = opened.summary;
  const changed =
    stats.framesEncoded !== s.framesEncoded || stats.framesSkipped !== s.framesSkipped;
  s.framesEncoded = stats.framesEncoded;
  s.framesSkipped = stats.framesSkipped;
  s.framesDecoded = stats.framesEncoded + stats.framesSkipped;
  s.encodedUntilS = stats.streamEndSec;
  s.encodeFps = toCacheStats(s.streamId, stats).encodeFps;
  s.percentage = encodingProgress(opened).percentage;
  if (changed) ctx.notify({ kind: 'streamStatus', payload: { ...s } });
}

function finish(
  opened: OpenedStream,
  ctx: CallContext,
  state: StreamSummary['state'],
  error?: string,
): void {
  if (!streams.has(opened.summary.streamId)) return;
  clearInterval(opened.timer);
  refresh(opened, ctx);
  opened.summary.state = state;
  opened.summary.error = error;
  opened.summary.encodeFps = undefined;
  if (state === 'ready') opened.summary.percentage = 100;
  ctx.notify({ kind: 'streamStatus', payload: { ...opened.summary } });
}

function encodingProgress(opened: OpenedStream): { message: string; percentage?: number } {
  const s = opened.summary;
  const done = s.framesEncoded + s.framesSkipped;
  const percentage = opened.framesEstimate
    ? Math.min(99, (100 * done) / opened.framesEstimate)
    : undefined;
  return {
    message: `${s.label}: ${s.framesEncoded} frames encoded, ${s.framesSkipped} unchanged skipped`,
    percentage,
  };
}

/** How often an ask that came before the first frame looks again. */
const FIRST_FRAME_POLL_MS = 50;

/**
 * An ask sent right after opening (the editor asks as soon as the stream is open) waits
 * until the stream has encoded a frame, or has stopped encoding: answering from no frames
 * gives an answer without evidence. Cancellation and the request timeout still apply.
 */
async function firstFrameEncoded(opened: OpenedStream, signal: AbortSignal): Promise<void> {
  let settled = false;
  const ready = opened.stream.ready.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled && opened.stream.stats().framesEncoded === 0) {
    signal.throwIfAborted();
    await Promise.race([ready, new Promise((r) => setTimeout(r, FIRST_FRAME_POLL_MS))]);
  }
  signal.throwIfAborted();
}

function sourceLabel(source: StreamSource): string {
  switch (source.kind) {
    case 'file':
      return decodeURIComponent(source.uri.split('/').pop() ?? source.uri);
    case 'url':
      return source.url;
    case 'live':
      return source.input;
    default:
      return source.kind;
  }
}

/** Live sources go through engine/ingest's decoder, one frame at a time. */
async function* liveFrames(
  source: Exclude<StreamSource, { kind: 'file' }>,
  fps: number,
  signal: AbortSignal,
  stills?: StillStore,
): AsyncIterable<IngestItem> {
  for await (const frame of decodeFrames(toIngestSpec(source), { fps, signal })) {
    // A still that fails to encode costs the remote server that one image, not the stream.
    await stills?.add(frame).catch(() => undefined);
    yield frame;
  }
}

function toIngestSpec(source: Exclude<StreamSource, { kind: 'file' }>): LiveSourceSpec {
  switch (source.kind) {
    case 'screen':
      return {
        kind: 'screen',
        display: source.display,
        region: source.region,
        framerate: source.framerate,
      };
    case 'camera':
      return {
        kind: 'camera',
        device: source.device,
        width: source.width,
        height: source.height,
        framerate: source.framerate,
      };
    case 'url':
      return { kind: 'url', url: source.url, rtspTransport: source.rtspTransport };
    case 'live':
      if (
        source.format === 'x11grab' ||
        source.format === 'gdigrab' ||
        source.format === 'avfoundation'
      )
        return { kind: 'screen', display: source.input };
      if (source.format === 'v4l2' || source.format === 'dshow')
        return { kind: 'camera', device: source.input };
      return { kind: 'url', url: source.input };
  }
}

async function* take<T>(items: AsyncIterable<T>, max: number): AsyncIterable<T> {
  let count = 0;
  for await (const item of items) {
    yield item;
    if (!('skipped' in (item as object)) && ++count >= max) return;
  }
}

/** vlm/searchText: file streams only (the text index reads the file again). */
export async function searchStreamText(
  params: { streamId: string; query: string; limit?: number },
  ctx: CallContext,
): Promise<SearchTextResult> {
  const opened = requireStream(params.streamId);
  const source = opened.summary.source;
  if (source.kind !== 'file')
    throw notAvailable('ocr.liveTextIndex', 'text search in a live stream');
  return searchText(
    params.streamId,
    requirePath(source.uri, 'source.uri'),
    opened.fps,
    params.query,
    params.limit,
    ctx,
  );
}

const mib = (value: unknown) => {
  const n = positive(value);
  return n === undefined ? undefined : n * 2 ** 20;
};

/** The engine's default decoder unless frames are capped or the gate threshold is set. */
function customDecoder(maxFrames: number | undefined, threshold: number | undefined) {
  if (maxFrames === undefined && threshold === undefined) return undefined;
  return (path: string, options: { fps: number; signal?: AbortSignal }) => {
    const frames = gatedFrames(path, options, threshold);
    return maxFrames ? take(frames, maxFrames) : frames;
  };
}

/** Like engine/stream's videoFrames, with the gate threshold from the settings. */
async function* gatedFrames(
  path: string,
  options: { fps: number; signal?: AbortSignal },
  threshold: number | undefined,
): AsyncIterable<IngestItem> {
  const gate = new FrameGate({ threshold });
  const frames = decodeFrames(path, {
    fps: options.fps,
    signal: options.signal,
    maxWidth: 1024,
    maxHeight: 1024,
  });
  for await (const frame of frames) {
    if (gate.push(frame).keep) yield frame;
    else yield { skipped: 1, lastTimeSec: frame.timeSec };
  }
}

/** The protocol's Evidence.reason for the scorer that contributed most to a block's score. */
const REASON_BY_SCORER: Record<string, string> = {
  keys: 'retrieval',
  queries: 'retrieval',
  uniform: 'retrieval',
  recency: 'recent',
  text: 'ocr',
  time: 'time',
};

function evidenceReason(scores: Record<string, number>): string | undefined {
  const top = Object.entries(scores).sort((a, b) => b[1] - a[1])[0]?.[0];
  return top === undefined ? undefined : (REASON_BY_SCORER[top] ?? 'retrieval');
}

/**
 * Generation by the remote server of the `vlm.remote` settings (or VLM_REMOTE_* in this
 * process's environment); undefined answers locally. File streams send frames decoded
 * again at the evidence times; live streams send the stills they kept, which they do only
 * when the remote server was configured as the stream opened (else they answer locally).
 */
function remoteGeneratorFor(opened: OpenedStream): ExternalGenerator | undefined {
  const settings = engineSettings().remote;
  const source = opened.summary.source;
  if (!remoteConfigured(settings) || (source.kind !== 'file' && !opened.stills)) return undefined;
  let config;
  try {
    config = resolveRemoteConfig(settings);
  } catch (error) {
    throw new EngineError(VlmErrorCodes.InvalidParams, `vlm.remote: ${(error as Error).message}`);
  }
  const backend = new RemoteChatBackend(config);
  if (source.kind !== 'file')
    return remoteGenerator({ source: { kind: 'stills', store: opened.stills! }, backend });
  const path = requirePath(source.uri, 'source.uri');
  return remoteGenerator({
    source: { kind: mediaKind(path) === 'image' ? 'image' : 'video', path },
    backend,
    ffmpegPath: engineSettings().ffmpegPath || undefined,
  });
}
