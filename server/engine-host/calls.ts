// The calls the server's message loop sends the engine worker: each method's params and
// result (protocol types), and what a running call can report back.
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
  VlmSettings,
} from '../../protocol/protocol';
import type { EngineNotice, JobEvent } from './messages';

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
  cacheStats: [CacheStatsParams, CacheStats[]];
  listModels: [void, ListModelsResult];
  validateModel: [ValidateModelParams, ValidateModelResult];
  selectModel: [SelectModelParams, SelectModelResult];
}
