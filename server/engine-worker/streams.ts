// Open streams (worker side): opening one over a file or a live source with the selected
// model, following its encoding, asking it questions, reading its cache, closing it.
import { SESSION_DEFAULTS, type SessionStream } from '../../engine/session';
import { StreamLimitError, type StreamStats } from '../../engine/stream';
import {
  TIMELINE_MAX_BLOCKS,
  VlmErrorCodes,
  type AskParams,
  type AskResult,
  type CacheStats,
  type OpenStreamParams,
  type SearchTextResult,
  type StreamSummary,
} from '../../protocol/protocol';
import { engineSession, engineSettings, positive } from './config';
import { EngineError, notAvailable } from '../engine-host/engine-error';
import type { CallContext } from '../engine-host/types';
import { withImageFile } from './image-file';
import { mapEngineError } from './map-engine-error';
import { describeMedia, requirePath } from './media';
import { toBox } from './ocr';
import { currentModel } from './models';
import { sourceLabel, toIngestSpec } from './sources';

const STATUS_PERIOD_MS = 500;

interface OpenedStream {
  summary: StreamSummary;
  stream: SessionStream;
  framesEstimate?: number;
  timer: NodeJS.Timeout;
  lastRetrieved?: CacheStats['lastRetrieved'];
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

/** An open stream that reads on-screen text; `feature` and `why` word the error if not. */
export function requireScreenText(streamId: string, feature: string, why: string): OpenedStream {
  const opened = requireStream(streamId);
  if (!opened.stream.hasScreenText)
    throw new EngineError(
      VlmErrorCodes.NotAvailable,
      `${feature}: this stream was opened without on-screen text (vlm.screenText.enabled is ` +
        `'off', or 'auto' judged the file camera footage); set it to 'on' and open the stream again ${why}`,
      { capability: 'ocr.screenText' },
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
  const fps = params.sampleFps ?? positive(settings.sampling?.fps) ?? SESSION_DEFAULTS.fps;
  const source = params.source;
  const media = source.kind === 'file' ? await describeMedia(source.uri, ctx.signal) : undefined;
  const streamId = `stream-${nextId++}`;
  let stream: SessionStream;
  try {
    stream = await engineSession().open(
      source.kind === 'file'
        ? { kind: 'file', path: requirePath(source.uri, 'source.uri') }
        : { kind: 'live', spec: toIngestSpec(source) },
      {
        model: loaded.id,
        fps,
        gate: gateSetting(settings.gate?.threshold),
        screenText: settings.screenText?.enabled,
        maxFrames: params.maxFrames,
        sinkTokens: positive(settings.budget?.sinkTokens),
        recentBlocks: positive(settings.budget?.recentBlocks),
        topK: positive(settings.budget?.topK),
        maxContextTokens: positive(settings.budget?.maxContextTokens),
        diskBudgetBytes: mib(settings.cache?.diskBudgetMB),
        signal: ctx.signal,
      },
    );
  } catch (error) {
    throw mapEngineError(error, source.kind === 'file' ? source.uri : undefined);
  }
  // Cancelling the open request stops encoding; once it has answered, only stopEncoding does.
  const cancelOpen = () => stream.stopEncoding();
  ctx.signal.addEventListener('abort', cancelOpen, { once: true });
  const opened: OpenedStream = {
    stream,
    framesEstimate:
      media?.durationSec !== undefined
        ? Math.max(1, Math.round(media.durationSec * fps))
        : undefined,
    summary: {
      streamId,
      label: params.label ?? sourceLabel(source),
      source,
      state: 'encoding',
      media,
      framesDecoded: 0,
      framesEncoded: 0,
      framesSkipped: 0,
      encodedUntilSec: 0,
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
        stream.encodingStopped ? 'ended' : 'failed',
        stream.encodingStopped ? undefined : String((error as Error).message ?? error),
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
  opened.stream.stopEncoding();
  return { ...opened.summary };
}

export async function closeVideoStream(streamId: string, ctx?: CallContext): Promise<void> {
  const opened = requireStream(streamId);
  streams.delete(streamId);
  clearInterval(opened.timer);
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
  let tokens = 0;
  const result = await opened.stream
    .ask(params.question, {
      signal: ctx.signal,
      maxTokens: params.maxTokens,
      onToken: (text) => {
        tokens++;
        ctx.emit({ kind: 'token', text });
      },
    })
    .catch((error: unknown) => {
      if (error instanceof StreamLimitError)
        throw new EngineError(VlmErrorCodes.InputTooLarge, error.message);
      throw mapEngineError(error);
    });
  opened.lastRetrieved = result.evidence
    .filter((e) => e.retrieved)
    .map((e) => ({ frameIndex: e.frameIndex, timeSec: e.timeSec, score: e.score }));
  return {
    askId: params.askId,
    answer: result.answer,
    evidence: result.evidence.map((e) => ({
      timeSec: e.timeSec,
      frameIndex: e.frameIndex,
      score: e.score,
      text: e.text,
      reason: e.reason,
      retrieved: e.retrieved,
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
    coverage: result.coverage,
  };
}

/** Asks about one image: a short-lived still stream (base64 goes through a temp file). */
async function askImage(params: AskParams, ctx: CallContext): Promise<AskResult> {
  return withImageFile(params.image!, async (uri) => {
    const summary = await openVideoStream(
      { source: { kind: 'file', uri }, waitForEncoding: true },
      ctx,
    );
    try {
      const result = await askOpened(requireStream(summary.streamId), params, ctx);
      return { ...result, coverage: undefined }; // an image has no time span
    } finally {
      // With ctx, its 'closed' status reaches the server, which forgets the stream.
      await closeVideoStream(summary.streamId, ctx).catch(() => {});
    }
  });
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
    blocks.push({ frameIndex: b.frameIndex, timeSec: b.timeSec, tier: b.tier });
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
  s.encodedUntilSec = stats.streamEndSec;
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

/** vlm/searchText: the text read from the stream's frames as they were encoded. */
export function searchStreamText(params: {
  streamId: string;
  query: string;
  limit?: number;
}): SearchTextResult {
  const opened = requireScreenText(params.streamId, 'text search', 'to search its text');
  const hits = opened.stream.searchText(params.query, params.limit ?? 20);
  return {
    streamId: params.streamId,
    hits: hits.map((h) => ({
      timeSec: h.timeSec,
      frameIndex: h.frameIndex,
      lastSeenSec: h.lastSeenSec,
      text: h.text,
      box: toBox(h.box),
      score: h.score,
    })),
  };
}

/** vlm.gate.threshold: luma levels (0-255), as the engine's gate reads them; else the default. */
function gateSetting(threshold: unknown): { threshold: number } | undefined {
  return typeof threshold === 'number' && threshold >= 0 && threshold <= 255
    ? { threshold }
    : undefined;
}

const mib = (value: unknown) => {
  const n = positive(value);
  return n === undefined ? undefined : n * 2 ** 20;
};
