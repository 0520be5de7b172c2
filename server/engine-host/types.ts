// The engine calls as types: each method's params and result, the context a call runs in,
// and the events it reports. facade.ts implements them, host.ts calls them, and the modules
// behind the facade (streams.ts, models.ts, ...) take a CallContext; they all import this
// file, which imports none of them.
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
  TimelineResult,
  SelectModelParams,
  SelectModelResult,
  StreamIdParams,
  StreamSummary,
  ValidateModelParams,
  ValidateModelResult,
  VlmSettings,
} from '../../protocol/protocol';
import type {
  ModelCatalogResult,
  PullModelParams,
  PullModelResult,
} from '../../protocol/models-pull';

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
  configure: [VlmSettings, void];
  analyzeScreenshot: [AnalyzeScreenshotParams, ScreenshotAnalysis];
  mediaSummary: [MediaSummaryParams, MediaSummary];
  openStream: [OpenStreamParams, StreamSummary];
  closeStream: [StreamIdParams, CloseStreamResult];
  stopEncoding: [StreamIdParams, StreamSummary];
  closeAll: [void, void];
  listStreams: [void, ListStreamsResult];
  ask: [AskParams, AskResult];
  searchText: [SearchTextParams, SearchTextResult];
  timeline: [StreamIdParams, TimelineResult];
  cacheStats: [CacheStatsParams, CacheStats[]];
  listModels: [void, ListModelsResult];
  validateModel: [ValidateModelParams, ValidateModelResult];
  selectModel: [SelectModelParams, SelectModelResult];
  modelCatalog: [void, ModelCatalogResult];
  pullModel: [PullModelParams, PullModelResult];
}

export type EngineFacade = {
  [M in keyof EngineCallMap]: (
    params: EngineCallMap[M][0],
    ctx: CallContext,
  ) => Promise<EngineCallMap[M][1]>;
};

export type EngineMethod = keyof EngineCallMap;

/** Events a running call reports before its result. */
export type JobEvent =
  | { kind: 'token'; text: string }
  | { kind: 'progress'; message?: string; percentage?: number };

/** Unsolicited events from the engine (stream state changes, status). */
export interface EngineNotice {
  kind: 'streamStatus' | 'engineState';
  payload: unknown;
}
