// long-file: one typed protocol module by design, shared whole by client and server
// The one typed protocol between the VS Code client (client/) and the language server
// (server/): every custom request and notification, with its params and result types, the
// initialization options, the settings section, and the documented error codes.
// Modelled on rust-analyzer's lsp_ext.ts and vscode-eslint's customMessages.ts.
//
// Rules for editing: additive only (new optional fields, new methods). Every params and
// result type is declared once, here. Images and videos travel as file URIs or base64,
// never as arrays of pixels. All times are in seconds from the start of the stream.

import {
  NotificationType,
  RequestType,
  RequestType0,
  type ProgressToken,
} from 'vscode-languageserver-protocol';

// ---------------------------------------------------------------------------------------
// Error codes. Every failure is a JSON-RPC ResponseError with one of these codes, a
// message that names the problem (file, field, limit), and optional `data: VlmErrorData`.
// ---------------------------------------------------------------------------------------

export const VlmErrorCodes = {
  /** JSON-RPC: params missing, of the wrong type, or out of range; the message names the field. */
  InvalidParams: -32602,
  /** JSON-RPC: a `vlm/...` method this server does not know (older server). */
  MethodNotFound: -32601,
  /** LSP: the client cancelled the request ($/cancelRequest) or its work-done progress. */
  RequestCancelled: -32800,
  /** No open stream has this id (never opened, already closed, or failed). */
  UnknownStream: 4001,
  /** The engine capability this method needs is not in this build; `data.capability` names it. */
  NotAvailable: 4002,
  /** The job queue is full (`limits.queueLength`); retry later. */
  QueueFull: 4003,
  /** Opening one more stream would exceed `limits.maxStreams`; close one first. */
  TooManyStreams: 4004,
  /** The request ran longer than `limits.requestTimeoutMs` and was stopped. */
  Timeout: 4005,
  /** The engine's memory use is above `limits.memoryBudgetMb`; close streams or raise the budget. */
  MemoryBudgetExceeded: 4006,
  /** The model folder is not a valid model (missing file, wrong tensor names); the message says which. */
  ModelInvalid: 4007,
  /** The model is valid but could not be loaded (out of memory, provider failure). */
  ModelLoadFailed: 4008,
  /** The media file or source cannot be read or decoded: missing, corrupt, unsupported. */
  MediaUnreadable: 4009,
  /** An input exceeds a size limit (image pixels, base64 bytes, question length). */
  InputTooLarge: 4010,
  /** Socket transport: the connection did not authenticate with the right token. */
  Unauthenticated: 4011,
  /** The engine failed while working on this request (its worker crashed, an ORT error). */
  EngineFailed: 4012,
  /** The server is shutting down and accepts no new work. */
  ShuttingDown: 4013,
  /** A model download failed: offline (HF_HUB_OFFLINE), network, or the hub refused; the message says which. */
  ModelDownloadFailed: 4014,
} as const;
export type VlmErrorCode = (typeof VlmErrorCodes)[keyof typeof VlmErrorCodes];

/** `error.data` of a vlm ResponseError: what the client needs to react without parsing text. */
export interface VlmErrorData {
  /** Which engine capability is missing (NotAvailable), e.g. 'stream', 'ocr', 'model'. */
  capability?: string;
  /** Which limit was reached, by its setting name, e.g. 'queueLength'. */
  limit?: keyof EngineLimits;
  /** The limit's value, and the value that exceeded it. */
  max?: number;
  actual?: number;
  /** The field of the params that is wrong (InvalidParams). */
  field?: string;
  /** The file or URI the error is about. */
  uri?: string;
}

// ---------------------------------------------------------------------------------------
// Initialization options (`initializationOptions` of `initialize`) and settings.
// Settings are read from the `vlm` section (workspace/configuration) and may also be pushed
// by workspace/didChangeConfiguration with `{ settings: { vlm: VlmSettings } }`.
// ---------------------------------------------------------------------------------------

/** Limits on the engine's work; each has a clear error when reached. */
export interface EngineLimits {
  /** Jobs (ask, analyze, encode) running at the same time; more wait in the queue. Default 2. */
  concurrentJobs: number;
  /** Jobs waiting to run; one more is rejected with QueueFull. Default 16. */
  queueLength: number;
  /** Longest time a request may run, in ms; then it ends with Timeout. 0 = no limit. Default 120000. */
  requestTimeoutMs: number;
  /** Engine memory (resident set) above which new work is rejected with MemoryBudgetExceeded. Default 4096. */
  memoryBudgetMb: number;
  /** Open streams at the same time; one more is rejected with TooManyStreams. Default 4. */
  maxStreams: number;
}

export interface VlmSettings {
  /** Model folder in the Hugging Face ONNX layout; empty = built-in reference model. */
  modelPath?: string;
  /** 'auto' | 'cpu' | 'cuda' | 'webgpu'. */
  executionProvider?: string;
  /** Weights to load: auto (q8 when present, else fp32), fp32, fp16, q8 or q4. */
  modelDtype?: string;
  cacheDir?: string;
  ffmpegPath?: string;
  limits?: Partial<EngineLimits>;
  /** Period of `vlm/cacheStats` notifications in ms while streams are open; 0 = off. Default 1000. */
  statsIntervalMs?: number;
  /** onnxruntime intra-op threads; 0 or absent: onnxruntime's default. */
  threads?: number;
  /** KV cache budgets of new streams. */
  budget?: { sinkTokens?: number; recentBlocks?: number; topK?: number; maxContextTokens?: number };
  /** Frames per second sampled from videos (default 1); vlm/openStream's sampleFps overrides it. */
  sampling?: { fps?: number };
  /** Near-duplicate frame gate: mean luma change (0-255) a block needs to count as changed. */
  gate?: { threshold?: number };
  /**
   * Read each encoded frame's on-screen text (OCR) for retrieval, evidence and search:
   * 'auto' (default) reads screenshots and screen recordings and skips camera footage;
   * true and false (older clients) mean 'on' and 'off'.
   */
  screenText?: { enabled?: 'auto' | 'on' | 'off' | boolean };
  /** Disk budget for saved encoded streams under the cache directory. */
  cache?: { diskBudgetMB?: number };
  /**
   * Generation by an OpenAI-compatible server (vLLM, SGLang, Ollama, llama.cpp): the engine
   * still ingests and retrieves; the retrieved frames go to the server (a file's decoded
   * again; a live stream's from the stills it keeps when this is set as it opens). Empty
   * baseUrl: answer locally. The API key never travels in settings: the server process
   * reads VLM_REMOTE_API_KEY from its own environment.
   */
  remote?: { baseUrl?: string; model?: string };
}

/** `initializationOptions`: the same fields as the settings; settings override them. */
export type VlmInitializationOptions = VlmSettings;

/** Sent in `InitializeResult.capabilities.experimental.vlm`. */
export interface VlmServerCapabilities {
  /** Protocol revision; bumped when methods are added. */
  protocolVersion: number;
  /** Engine capabilities present in this build, e.g. ['ocr', 'model', 'stream', 'ingest']. */
  engine: EngineCapability[];
  limits: EngineLimits;
}

export type EngineCapability = 'ingest' | 'ocr' | 'model' | 'stream';

export const PROTOCOL_VERSION = 1;

/**
 * Extensions of the media the engine reads, for file pickers and link detection only: the
 * engine decides from a file's content whether it is a still image or a video.
 */
export { IMAGE_EXTENSIONS, MEDIA_EXTENSIONS, VIDEO_EXTENSIONS } from '../engine/media/extensions';
export { serverProcessEnv } from '../engine/runtime/server-env';

// ---------------------------------------------------------------------------------------
// Socket transport authentication (`vlm serve --socket PORT --token TOKEN`).
// The first bytes the client sends on the TCP connection are the token followed by '\n'
// (at most `maxLineBytes`, within `timeoutMs`); after that the connection speaks LSP
// (Content-Length framed JSON-RPC). A wrong or missing token: the server sends one framed
// `window/showMessage` (type Error) naming the problem and closes the connection.
// ---------------------------------------------------------------------------------------

export const SocketAuthentication = {
  maxLineBytes: 1024,
  timeoutMs: 10_000,
  /** What the client writes first. */
  line: (token: string): string => `${token}\n`,
} as const;

// ---------------------------------------------------------------------------------------
// Shared shapes.
// ---------------------------------------------------------------------------------------

/** An image: a file URI the server reads, or base64 bytes (PNG, JPEG, WebP, GIF first frame). */
export type ImageRef = { uri: string } | { base64: string; mimeType?: string };

/** A rectangle in image pixels, origin top left. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a stream's frames come from. */
export type StreamSource =
  /** A video or image file (it may still be growing: `follow`). */
  | { kind: 'file'; uri: string; follow?: boolean }
  /**
   * A live source: an ffmpeg input, e.g. `{ format: 'x11grab', input: ':0.0' }`,
   * `{ format: 'v4l2', input: '/dev/video0' }`, `{ input: 'rtsp://host/stream' }`.
   */
  | { kind: 'live'; input: string; format?: string; options?: Record<string, string> }
  /** The screen (x11grab / gdigrab / avfoundation); `display` e.g. ':0.0'. */
  | {
      kind: 'screen';
      display?: string;
      region?: Box;
      framerate?: number;
    }
  /** A camera: '/dev/video0' on Linux, the device name on Windows, the index on macOS. */
  | { kind: 'camera'; device?: string; width?: number; height?: number; framerate?: number }
  /** A network stream: rtsp://, rtsps://, http(s):// (a file or an HLS playlist). */
  | { kind: 'url'; url: string; rtspTransport?: 'tcp' | 'udp' };

/** Work-done progress token (LSP: client-initiated progress); cancelling it cancels the request. */
export interface WorkDoneParams {
  workDoneToken?: ProgressToken;
}

export interface MediaInfo {
  uri: string;
  kind: 'video' | 'image' | 'live';
  /** Seconds; absent for images and live sources. */
  durationSec?: number;
  width?: number;
  height?: number;
  fps?: number;
  bytes?: number;
  codec?: string;
}

// ---------------------------------------------------------------------------------------
// Streams.
// ---------------------------------------------------------------------------------------

export interface OpenStreamParams extends WorkDoneParams {
  source: StreamSource;
  /** Shown in the diagnostics panel; defaults to the file name or input. */
  label?: string;
  /** Frames per second sampled from the source; default from the engine. */
  sampleFps?: number;
  /** Stop encoding after this many frames (tests, previews). */
  maxFrames?: number;
  /** Wait until the whole file is encoded before answering (default false: answer at once). */
  waitForEncoding?: boolean;
}

export type StreamState = 'opening' | 'encoding' | 'ready' | 'ended' | 'failed' | 'closed';

export interface StreamSummary {
  streamId: string;
  label: string;
  source: StreamSource;
  state: StreamState;
  media?: MediaInfo;
  framesDecoded: number;
  framesEncoded: number;
  /** Frames skipped as near-duplicates by the frame gate. */
  framesSkipped: number;
  /** Latest encoded frame time, seconds. */
  encodedUntilSec: number;
  /** Set when state is 'failed'. */
  error?: string;
  /** Frames encoded per second of encoding time, while encoding. */
  encodeFps?: number;
  /** Encoding progress 0-100 for files of known duration. */
  percentage?: number;
}

export type OpenStreamResult = StreamSummary;

export interface StreamIdParams {
  streamId: string;
}

export interface CloseStreamResult {
  streamId: string;
  closed: boolean;
}

export interface ListStreamsResult {
  streams: StreamSummary[];
}

/** Server -> client when a stream changes state or encodes frames (at most a few per second). */
export type StreamStatusParams = StreamSummary;

// ---------------------------------------------------------------------------------------
// Ask.
// ---------------------------------------------------------------------------------------

export interface AskParams extends WorkDoneParams {
  /** The client's id for this ask; `vlm/askToken` notifications carry it. Unique per connection. */
  askId: string;
  /**
   * The stream to ask about. Either streamId or image is required. A stream that has not
   * encoded a frame yet is waited for (until its first frame, or until encoding ends).
   */
  streamId?: string;
  /** Ask about a single image instead of a stream. */
  image?: ImageRef;
  question: string;
  /** Longest answer in tokens; default from the engine. */
  maxTokens?: number;
  /** Restrict retrieval to this time range of the stream. */
  timeRange?: { fromSec?: number; toSec?: number };
  /**
   * A file stream still encoding: wait until it is encoded before answering, reporting
   * "Encoding NAME: N% — the answer follows when it is encoded" as work-done progress
   * (`vlm/askAnswerNow` ends the wait early). Ignored for live sources, which answer from
   * what has arrived. Default false: answer at once from what is encoded so far.
   */
  untilEncoded?: boolean;
}

/** Client -> server: stop waiting for the encoding and answer this ask from what is encoded. */
export interface AskAnswerNowParams {
  askId: string;
}

/** The part of the stream an answer was drawn from. */
export interface AnswerCoverage {
  /** First and last encoded frame time the answer could draw on, in seconds. */
  fromSec: number;
  toSec: number;
  /** True when the whole source was encoded; false for a partial file or a live source. */
  complete: boolean;
  live: boolean;
}

/** One streamed chunk of an answer, in order; `index` counts from 0. */
export interface AskTokenParams {
  askId: string;
  index: number;
  text: string;
}

/** Every Evidence.reason, in the order the answers view explains them. */
export const EVIDENCE_REASONS = ['sink', 'recent', 'retrieved', 'text', 'time'] as const;
export type EvidenceReason = (typeof EVIDENCE_REASONS)[number];

export interface Evidence {
  /** Frame time in seconds. */
  timeSec: number;
  frameIndex?: number;
  /** Relevance, 0-1 (higher is more relevant; 0: no scorer found anything in it). */
  score?: number;
  /** On-screen text found in this frame. */
  text?: string;
  box?: Box;
  /**
   * Why this frame is evidence: 'text' (its on-screen text matched the question, or the
   * timeline found the moment in the screen text) or 'time' (a time hint such as "at 2:30")
   * when that signal outweighed the attention score; otherwise where its block was when the
   * answer was made: 'retrieved' (brought back from the offloaded tier), 'recent' (already in
   * the recent window) or 'sink' (the attention sink).
   */
  reason?: EvidenceReason;
  /**
   * True when the block was brought back from the offloaded tier for this question; false
   * when it was already in the recent window (or is the image itself).
   */
  retrieved?: boolean;
}

export interface AskTimings {
  queuedMs?: number;
  retrievalMs?: number;
  prefillMs?: number;
  decodeMs?: number;
  totalMs: number;
  /** Question received -> first answer token. */
  ttftMs?: number;
  tokens?: number;
  tokensPerSecond?: number;
}

export interface AskResult {
  askId: string;
  answer: string;
  evidence: Evidence[];
  timings: AskTimings;
  cache?: CacheStats;
  /** True when the answer was cut at maxTokens. */
  truncated?: boolean;
  /** The time span of the stream the answer covers (absent for a single image). */
  coverage?: AnswerCoverage;
}

// ---------------------------------------------------------------------------------------
// Screenshot analysis and text search.
// ---------------------------------------------------------------------------------------

export interface AnalyzeScreenshotParams extends WorkDoneParams {
  image: ImageRef;
  /** Find this text or element, e.g. "Save button"; results in `matches`. */
  query?: string;
  /**
   * A screenshot session (letters, digits, `.`, `_`, `-`; at most 64): text unchanged since
   * the session's last screenshots is not read again; the analysis equals one without it.
   */
  session?: string;
}

/** What a screenshot session reused (docs/screen-text.md, "Incremental screenshots"). */
export interface ScreenshotSessionReport {
  name: string;
  /** 1 for the session's first screenshot. */
  screenshot: number;
  /** 'unchanged': the image is the session's previous one, so the result is too. */
  mode: 'incremental' | 'full' | 'unchanged';
  /** Why it was read in full: 'new session', 'expired', 'size changed' or 'large change'. */
  reason?: string;
  /** Share of 32x32 tiles that changed since the session's previous screenshot, 0..1. */
  changedShare: number;
  reusedCrops: number;
  readCrops: number;
}

export interface TextElement {
  text: string;
  box: Box;
  /** 0..1. */
  confidence: number;
  /** From the controls found in the pixels, else a guess from the text: see UiElementInfo.role. */
  role?: string;
  /** Query matches: how well the text matches the query, 0..1 (best first). */
  score?: number;
}

/** A visual line of text, its elements joined left to right. */
export interface TextLineInfo {
  text: string;
  box: Box;
}

/** A UI element agents act on (docs/screen-controls.md). */
export interface UiElementInfo {
  /** Position in reading order; a panel comes right before its contents. */
  id: number;
  /** 'button' | 'field' | 'dropdown' | 'checkbox' | 'radio' | 'toggle' | 'tab' | 'menu item' | 'link' | 'icon' | 'text' | 'panel'. */
  role: string;
  interactable: boolean;
  /** The control's box; its centre is the point to click. */
  box: Box;
  text: string;
  confidence: number;
  /** The id of the panel it sits in, or null. */
  parent: number | null;
}

export interface ScreenshotAnalysis {
  width: number;
  height: number;
  elements: TextElement[];
  /** Controls, text outside them and the panels around them, in reading order. */
  ui?: UiElementInfo[];
  /** Elements matching the query, best first (empty when no query). */
  matches: TextElement[];
  /** The text as lines in reading order. */
  lines?: TextLineInfo[];
  timings: { totalMs: number; detectMs?: number; recognizeMs?: number };
  /** Present when the request named a session. */
  session?: ScreenshotSessionReport;
}

export interface SearchTextParams {
  streamId: string;
  query: string;
  /** At most this many hits (default 20). */
  limit?: number;
}

export interface TextHit {
  /** When the text first appears. */
  timeSec: number;
  /** When it was last seen (it stays on screen from timeSec to lastSeenSec). */
  lastSeenSec?: number;
  frameIndex?: number;
  text: string;
  box?: Box;
  score: number;
}

export interface SearchTextResult {
  streamId: string;
  hits: TextHit[];
}

/**
 * One moment of a stream's timeline, built from its screen text and frame changes: a UI
 * region that appeared or disappeared, a line typed, or a cut between shots.
 */
export interface TimelineMoment {
  timeSec: number;
  kind: 'ui' | 'typed' | 'cut';
  /** What happened, for people: "a notification appeared", "typed until 0:06", "a cut". */
  label: string;
  /** The text in the region, or the typed line. */
  text?: string;
  /** Where it happened, in frame pixels (not for cuts). */
  box?: Box;
}

export interface TimelineResult {
  streamId: string;
  /** How far the stream is encoded: the timeline covers 0 to here. */
  durationSec: number;
  /** In time order. */
  moments: TimelineMoment[];
  /** Distinct lines of on-screen text seen (`vlm timeline` lists them). */
  textTracks: number;
}

// ---------------------------------------------------------------------------------------
// Cache statistics.
// ---------------------------------------------------------------------------------------

export interface CacheTierStats {
  blocks: number;
  tokens: number;
  bytes: number;
}

export interface CacheStats {
  streamId: string;
  sink: CacheTierStats;
  recent: CacheTierStats;
  /** Older blocks, quantized, in RAM or spilled to disk. */
  retrievable: CacheTierStats & { inRamBytes: number; onDiskBytes: number };
  /** Blocks brought back for the last question. */
  lastRetrieved?: { frameIndex: number; timeSec: number; score: number }[];
  /**
   * The stream's blocks in time order with their tier, for the diagnostics timeline: the
   * sink, the recent window, or offloaded (quantized in RAM, or spilled to disk). At most
   * TIMELINE_MAX_BLOCKS entries, sampled evenly when the stream holds more (`blocksTotal`).
   */
  blocks?: TimelineBlock[];
  blocksTotal?: number;
  /** Positions in use / model maximum. */
  positionsUsed?: number;
  positionsMax?: number;
  encodeFps?: number;
}

export interface TimelineBlock {
  frameIndex: number;
  timeSec: number;
  tier: 'sink' | 'recent' | 'ram' | 'disk';
}

/** The most blocks one CacheStats lists (a timeline is a few hundred pixels wide). */
export const TIMELINE_MAX_BLOCKS = 600;

export interface CacheStatsParams {
  /** One stream, or all open streams when absent. */
  streamId?: string;
}

export interface CacheStatsResult {
  streams: CacheStats[];
  /** Engine resident memory, bytes. */
  memoryBytes: number;
}

/** Periodic (settings `statsIntervalMs`) while streams are open. */
export type CacheStatsNotificationParams = CacheStatsResult;

// ---------------------------------------------------------------------------------------
// Models.
// ---------------------------------------------------------------------------------------

export interface ModelInfo {
  /** 'reference:tiny', 'reference:256m', a Hub name (`org/name[@revision]`), or the folder path. */
  id: string;
  name: string;
  kind: 'reference' | 'hub' | 'folder';
  /** The folder the model loads from (for a Hub model: its snapshot in the Hugging Face cache). */
  path?: string;
  valid: boolean;
  /** Why the model is not valid. */
  problems?: string[];
  selected: boolean;
}

export interface ListModelsResult {
  models: ModelInfo[];
  selected?: string;
}

export interface ValidateModelParams {
  /** A folder path or file URI. */
  path: string;
}

export interface ValidateModelResult {
  path: string;
  valid: boolean;
  problems: string[];
  /** What was found, e.g. layers, heads, image tokens, dtype. */
  summary?: Record<string, string | number>;
}

export interface SelectModelParams extends WorkDoneParams {
  /** A ModelInfo id, a folder path or a file URI. */
  model: string;
}

export interface SelectModelResult {
  model: ModelInfo;
  loadMs: number;
}

// ---------------------------------------------------------------------------------------
// Engine status.
// ---------------------------------------------------------------------------------------

export type EngineState =
  | 'starting'
  | 'loadingModel'
  | 'idle'
  | 'encoding'
  | 'answering'
  /** Reading on-screen text (screenshot analysis, a hover's summary, a text search). */
  | 'readingText'
  | 'error';

export interface EngineStatus {
  state: EngineState;
  /** One line for the status bar, e.g. "encoding at 4.2 fps". */
  message: string;
  model?: string;
  encodeFps?: number;
  activeJobs: number;
  queuedJobs: number;
  openStreams: number;
  memoryBytes: number;
  capabilities: EngineCapability[];
  /** Set when state is 'error'. */
  error?: string;
  /** Streams encoding now (any state), with their progress 0-100 when the duration is known. */
  encoding?: { streamId: string; label: string; percentage?: number }[];
}

// ---------------------------------------------------------------------------------------
// Media summary (what hover shows; also usable by the client directly).
// ---------------------------------------------------------------------------------------

export interface MediaSummaryParams {
  uri: string;
  /** Run OCR to include the on-screen text (slower). Default true. */
  withText?: boolean;
}

export interface MediaSummary {
  media: MediaInfo;
  /** On-screen text found (images: the whole image; videos: the first frame). */
  text?: string;
  /** Why `text` is absent (e.g. the OCR capability is not available). */
  textUnavailable?: string;
}

// ---------------------------------------------------------------------------------------
// Methods. Requests are client -> server unless noted.
//
// Progress: requests that take long (openStream, selectModel, ask, analyzeScreenshot)
// accept a `workDoneToken` (client-initiated work-done progress; cancelling it, or the
// request, stops the work at the next decode/encode step and the request answers
// RequestCancelled). When the server loads a model or encodes a stream on its own, it
// creates server-initiated progress (window/workDoneProgress/create, cancellable) if the
// client supports it. Standard LSP features: hover and code lens over media links in
// Markdown and media paths in string literals (commands in `VlmCommands`).
// ---------------------------------------------------------------------------------------

export const OpenStreamRequest = new RequestType<OpenStreamParams, OpenStreamResult, void>(
  'vlm/openStream',
);
export const CloseStreamRequest = new RequestType<StreamIdParams, CloseStreamResult, void>(
  'vlm/closeStream',
);
export const ListStreamsRequest = new RequestType0<ListStreamsResult, void>('vlm/listStreams');
/** Server -> client. */
export const StreamStatusNotification = new NotificationType<StreamStatusParams>(
  'vlm/streamStatusChanged',
);

/** Answers when the whole answer is done; tokens arrive before as `vlm/askToken`. */
export const AskRequest = new RequestType<AskParams, AskResult, void>('vlm/ask');
/** Server -> client, one per decoded chunk, keyed by `askId`. */
export const AskTokenNotification = new NotificationType<AskTokenParams>('vlm/askToken');
/** Client -> server: an ask waiting with `untilEncoded` answers now from what is encoded. */
export const AskAnswerNowNotification = new NotificationType<AskAnswerNowParams>(
  'vlm/askAnswerNow',
);

export const AnalyzeScreenshotRequest = new RequestType<
  AnalyzeScreenshotParams,
  ScreenshotAnalysis,
  void
>('vlm/analyzeScreenshot');
export const SearchTextRequest = new RequestType<SearchTextParams, SearchTextResult, void>(
  'vlm/searchText',
);
/** What happens when in a stream; needs a stream opened with screen text. */
export const TimelineRequest = new RequestType<StreamIdParams, TimelineResult, void>(
  'vlm/timeline',
);

export const CacheStatsRequest = new RequestType<CacheStatsParams, CacheStatsResult, void>(
  'vlm/cacheStats',
);
/** Server -> client, periodic. */
export const CacheStatsNotification = new NotificationType<CacheStatsNotificationParams>(
  'vlm/cacheStatsChanged',
);

export const ListModelsRequest = new RequestType0<ListModelsResult, void>('vlm/listModels');
export const ValidateModelRequest = new RequestType<ValidateModelParams, ValidateModelResult, void>(
  'vlm/validateModel',
);
export const SelectModelRequest = new RequestType<SelectModelParams, SelectModelResult, void>(
  'vlm/selectModel',
);

export const EngineStatusRequest = new RequestType0<EngineStatus, void>('vlm/engineStatus');
/** Server -> client whenever the state changes. */
export const EngineStatusNotification = new NotificationType<EngineStatus>(
  'vlm/engineStatusChanged',
);

export const MediaSummaryRequest = new RequestType<MediaSummaryParams, MediaSummary, void>(
  'vlm/mediaSummary',
);

/** Commands the code lenses carry; the client registers them. Argument: the media file URI. */
export const VlmCommands = {
  askAboutVideo: 'vlm.askAboutVideo',
  analyzeScreenshot: 'vlm.analyzeScreenshot',
} as const;
