// The one place the server calls the engine. It runs inside the engine worker
// (worker.ts); every method takes plain params and a CallContext and returns plain data
// (protocol types), or throws an EngineError with a documented code.
import type {
  AnalyzeScreenshotParams,
  AskParams,
  AskResult,
  CacheStats,
  CacheStatsParams,
  CloseStreamResult,
  EngineCapability,
  ListModelsResult,
  ListStreamsResult,
  MediaSummary,
  MediaSummaryParams,
  OpenStreamParams,
  ScreenshotAnalysis,
  SearchTextParams,
  SearchTextResult,
  SelectModelParams,
  SelectModelResult,
  StreamIdParams,
  StreamSummary,
  ValidateModelParams,
  ValidateModelResult,
} from '../../protocol/protocol';
import { VlmErrorCodes } from '../../protocol/protocol';
import { EngineError, notAvailable } from './engine-error';
import type { EngineNotice, JobEvent } from './messages';
import { describeMedia } from './media';

export interface CallContext {
  /** Aborted on cancel or timeout; engine calls stop at their next step boundary. */
  signal: AbortSignal;
  /** Reports a token or progress for this call. */
  emit: (event: JobEvent) => void;
  /** Reports an unsolicited event (stream status). */
  notify: (notice: EngineNotice) => void;
}

/** Each engine method: its params and result. */
export interface EngineCallMap {
  capabilities: [void, EngineCapability[]];
  analyzeScreenshot: [AnalyzeScreenshotParams, ScreenshotAnalysis];
  mediaSummary: [MediaSummaryParams, MediaSummary];
  openStream: [OpenStreamParams, StreamSummary];
  closeStream: [StreamIdParams, CloseStreamResult];
  closeAll: [void, void];
  listStreams: [void, ListStreamsResult];
  ask: [AskParams, AskResult];
  searchText: [SearchTextParams, SearchTextResult];
  cacheStats: [CacheStatsParams, CacheStats[]];
  listModels: [void, ListModelsResult];
  validateModel: [ValidateModelParams, ValidateModelResult];
  selectModel: [SelectModelParams, SelectModelResult];
}

export type EngineFacade = {
  [M in keyof EngineCallMap]: (
    params: EngineCallMap[M][0],
    ctx: CallContext,
  ) => Promise<EngineCallMap[M][1]>;
};

/** Open streams, by id; lives as long as the worker. */
const streams = new Map<string, StreamSummary>();

function requireStream(streamId: string): StreamSummary {
  const stream = streams.get(streamId);
  if (!stream)
    throw new EngineError(
      VlmErrorCodes.UnknownStream,
      `unknown stream '${streamId}': no open stream has this id`,
    );
  return stream;
}

export const engineFacade: EngineFacade = {
  async capabilities() {
    return ['ingest'];
  },

  async analyzeScreenshot() {
    throw notAvailable('ocr', 'screenshot analysis');
  },

  async mediaSummary(params) {
    return {
      media: await describeMedia(params.uri),
      textUnavailable: "the engine's 'ocr' capability is not in this build",
    };
  },

  async openStream() {
    throw notAvailable('stream', 'opening a stream');
  },

  async closeStream(params) {
    requireStream(params.streamId);
    streams.delete(params.streamId);
    return { streamId: params.streamId, closed: true };
  },

  async closeAll() {
    streams.clear();
  },

  async listStreams() {
    return { streams: [...streams.values()] };
  },

  async ask(params) {
    if (params.streamId !== undefined) requireStream(params.streamId);
    throw notAvailable('stream', 'asking a question');
  },

  async searchText(params) {
    requireStream(params.streamId);
    throw notAvailable('ocr', 'text search');
  },

  async cacheStats(params) {
    if (params.streamId !== undefined) requireStream(params.streamId);
    return [];
  },

  async listModels() {
    throw notAvailable('model', 'listing models');
  },

  async validateModel() {
    throw notAvailable('model', 'model validation');
  },

  async selectModel() {
    throw notAvailable('model', 'selecting a model');
  },
};
