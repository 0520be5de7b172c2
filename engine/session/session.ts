// The one engine session behind every entry point (CLI, MCP, the language server's
// worker, the HTTP endpoint): it chooses and loads the model, opens sources with the
// frame gate, frame cap, on-screen text, persistence and remote stills, and hands back
// streams to ask. Entry points only map their own parameters onto these options, so the
// same question about the same file gives the same frames and evidence everywhere.
import { defaultCacheDir, type ExecutionProviderChoice } from '../config';
import type { DtypeChoice } from '../model';
import { decodeFrames, type DecodedFrame, type LiveSourceSpec } from '../ingest';
import { detectMediaKind, type MediaKind } from '../media';
import {
  RemoteChatBackend,
  remoteConfigured,
  remoteGenerator,
  resolveRemoteConfig,
  StillStore,
  type RemoteSettings,
} from '../remote';
import {
  openStream,
  type IngestItem,
  type IngestProgress,
  type OpenStreamOptions,
} from '../stream';
import { gatedItems } from '../stream/video-source';
import { TimelineRecorder } from '../timeline';
import { SESSION_DEFAULTS } from './defaults';
import { fallbackWarning, isUnwritableCache, ModelCacheFallback } from './model-cache';
import { defaultModelId, isReferenceModelId, ModelSlot, type LoadedModel } from './models';
import { ScreenText } from './screen-text';
import { readsScreenText, screenTextMode, type ScreenTextMode } from './screen-text-choice';
import { SessionStream } from './stream';
import { checkMediaFile } from './validate';

export type SessionSource =
  | { kind: 'file'; path: string }
  | { kind: 'live'; spec: LiveSourceSpec; id?: string };

export interface SessionSettings {
  /** The model new streams use until one is selected (default: VLM_MODEL_DIR, else reference:tiny). */
  model?: string;
  /** Saved streams and the generated reference model; null: RAM only, nothing saved. */
  cacheDir?: string | null;
  provider?: ExecutionProviderChoice;
  threads?: number;
  /** The weight dtype to load (default: VLM_DTYPE, else auto: q8 when the model has it). */
  dtype?: DtypeChoice;
  /** An OpenAI-compatible server that generates the answers (retrieval stays local). */
  remote?: RemoteSettings;
  ffmpegPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Problems the session works around (an unwritable cache); default: process warnings. */
  onWarning?: (message: string) => void;
}

/** How a source is read and cached. Every field has one unit in every entry point. */
export interface OpenOptions {
  /** A model name (see models.ts); default: the session's selected model. */
  model?: string;
  /** Frames per second sampled from a video. */
  fps?: number;
  /** Frame gate threshold in luma levels (0-255), or false to encode every sampled frame. */
  gate?: { threshold?: number } | false;
  /** Stop after this many encoded frames (a preview; saved under its own key). */
  maxFrames?: number;
  /**
   * Read each encoded frame's on-screen text (OCR): on, off, or auto (default: files that
   * look like screens; live sources are read). true and false mean on and off.
   */
  screenText?: ScreenTextMode | boolean;
  policy?: OpenStreamOptions['policy'];
  scorer?: OpenStreamOptions['scorer'];
  sinkTokens?: number;
  recentBlocks?: number;
  topK?: number;
  maxContextTokens?: number;
  quantBits?: OpenStreamOptions['quantBits'];
  diskBudgetBytes?: number;
  /** Save the encoded stream for reuse (default: when the cache directory is usable). */
  persist?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: IngestProgress) => void;
  onWarning?: (message: string) => void;
}

export class EngineSession {
  private models!: ModelSlot;
  private selected: string;
  private explicitModel = false;
  private readonly modelCacheFallback = new ModelCacheFallback();

  constructor(private settings: SessionSettings = {}) {
    this.selected = settings.model || defaultModelId(settings.env);
    this.resetModels();
  }

  /**
   * New settings for streams opened from now on. A change of provider, threads or cache
   * loads the model again on next use; open streams keep what they have.
   */
  configure(settings: SessionSettings): void {
    const loadChanged =
      settings.provider !== this.settings.provider ||
      settings.threads !== this.settings.threads ||
      settings.dtype !== this.settings.dtype ||
      settings.cacheDir !== this.settings.cacheDir;
    this.settings = settings;
    if (loadChanged) this.modelCacheFallback.dispose();
    if (!this.explicitModel) this.selected = settings.model || defaultModelId(settings.env);
    if (loadChanged) this.resetModels();
  }

  private resetModels(): void {
    this.models = new ModelSlot({
      provider: this.settings.provider,
      threads: this.settings.threads,
      dtype: this.settings.dtype,
      env: this.settings.env,
      cacheDir: this.modelCacheFallback.active
        ? this.modelCacheFallback.folder()
        : (this.cacheDir ?? undefined),
    });
  }

  get cacheDir(): string | null {
    if (this.modelCacheFallback.active) return null;
    return this.settings.cacheDir === undefined
      ? defaultCacheDir(this.settings.env)
      : this.settings.cacheDir;
  }

  /** The name of the model new streams use. */
  get selectedModel(): string {
    return this.selected;
  }

  /** Loads `id` and makes it the model of new streams; open streams keep theirs. */
  async selectModel(id: string): Promise<LoadedModel> {
    const loaded = await this.models.load(id);
    this.selected = id;
    this.explicitModel = true;
    return loaded;
  }

  /**
   * The model named `id`, loaded once. A reference model whose generation fails because
   * the cache directory cannot be written is generated in a temporary folder instead.
   */
  async model(id = this.selected): Promise<LoadedModel> {
    const dir = this.cacheDir ?? undefined;
    try {
      return await this.models.load(id);
    } catch (error) {
      if (!isReferenceModelId(id) || !isUnwritableCache(error, dir)) throw error;
      const folder = this.modelCacheFallback.folder();
      this.warn(fallbackWarning(dir!, error, folder));
      this.resetModels();
      return this.models.load(id);
    }
  }

  private warn(message: string): void {
    if (this.settings.onWarning) this.settings.onWarning(message);
    else process.emitWarning(message);
  }

  /** Still image or video, from the file's content. */
  mediaKind(path: string): Promise<MediaKind> {
    return detectMediaKind(path);
  }

  async open(source: SessionSource, options: OpenOptions = {}): Promise<SessionStream> {
    // The input is checked before the model loads: a bad file costs nothing.
    const kind = source.kind === 'file' ? (await checkMediaFile(source.path)).kind : 'live';
    const loaded = await this.model(options.model);
    // The timeline is built from the text each frame's reading gives, so it comes with it.
    const timeline = (await this.readsScreenText(source, kind, options))
      ? new TimelineRecorder()
      : undefined;
    const screenText = timeline ? new ScreenText(timeline.add) : undefined;
    const stills = source.kind === 'live' && this.remoteConfigured() ? new StillStore() : undefined;
    const encoding = new AbortController();
    const signal = options.signal
      ? AbortSignal.any([options.signal, encoding.signal])
      : encoding.signal;
    const warnings: string[] = [];
    const onWarning = (message: string) => {
      warnings.push(message);
      options.onWarning?.(message);
    };
    const stream = await openStream(
      source.kind === 'file'
        ? source.path
        : {
            kind: 'live',
            id: source.id,
            frames: liveFrames(source.spec, { ...options, signal }, stills),
          },
      {
        model: loaded.stream,
        still: kind === 'image',
        fps: options.fps ?? SESSION_DEFAULTS.fps,
        gate: options.gate,
        maxFrames: options.maxFrames,
        frameText: screenText?.read,
        policy: options.policy,
        scorer: options.scorer,
        sinkTokens: options.sinkTokens,
        recentBlocks: options.recentBlocks,
        topK: options.topK,
        maxContextTokens: options.maxContextTokens,
        quantBits: options.quantBits,
        diskBudgetBytes: options.diskBudgetBytes,
        cacheDir: this.cacheDir,
        persist: options.persist,
        signal,
        onProgress: options.onProgress,
        onWarning,
      },
    );
    if (screenText && stream.persistDir) {
      if (stream.reopened && !screenText.load(stream.persistDir))
        onWarning(
          'the saved stream has no readable on-screen text index; text search finds nothing in it',
        );
      const dir = stream.persistDir;
      if (!stream.reopened) stream.ready.then(() => screenText.save(dir)).catch(() => undefined);
    }
    if (timeline) persistTimeline(timeline, stream, onWarning);
    return new SessionStream({
      stream,
      kind,
      model: loaded,
      screenText,
      timeline,
      warnings,
      generator: this.generatorFor(source, kind, stills),
      encoding,
    });
  }

  /** The screen-text decision for a source: see screen-text-choice.ts. */
  private readsScreenText(
    source: SessionSource,
    kind: MediaKind | 'live',
    options: OpenOptions,
  ): Promise<boolean> {
    const mode = screenTextMode(options.screenText ?? SESSION_DEFAULTS.screenText);
    // A live source cannot be judged before it opens; a camera is footage, the rest
    // (a screen, a network stream) are read.
    if (source.kind === 'live' || kind === 'live')
      return Promise.resolve(
        mode === 'on' ||
          (mode === 'auto' && !(source.kind === 'live' && source.spec.kind === 'camera')),
      );
    return readsScreenText(
      mode,
      { path: source.path, kind },
      { ffmpegPath: this.settings.ffmpegPath, signal: options.signal },
    );
  }

  async dispose(): Promise<void> {
    await this.models.dispose();
    this.modelCacheFallback.dispose();
  }

  private remoteConfigured(): boolean {
    return this.settings.remote !== undefined && remoteConfigured(this.settings.remote, this.env);
  }

  private get env(): NodeJS.ProcessEnv {
    return this.settings.env ?? process.env;
  }

  /** Remote generation, built once per stream; undefined answers with the local model. */
  private generatorFor(source: SessionSource, kind: MediaKind | 'live', stills?: StillStore) {
    if (!this.remoteConfigured()) return undefined;
    const backend = new RemoteChatBackend(resolveRemoteConfig(this.settings.remote, this.env));
    if (source.kind === 'live' || kind === 'live')
      return stills
        ? remoteGenerator({ source: { kind: 'stills', store: stills }, backend })
        : undefined;
    return remoteGenerator({
      source: { kind, path: source.path },
      backend,
      ffmpegPath: this.settings.ffmpegPath,
    });
  }
}

/** Ends the timeline where the source ended; saves it beside a saved stream, or loads it. */
function persistTimeline(
  timeline: TimelineRecorder,
  stream: Awaited<ReturnType<typeof openStream>>,
  onWarning: (message: string) => void,
): void {
  const dir = stream.persistDir;
  if (dir && stream.reopened && !timeline.load(dir))
    onWarning('the saved stream has no readable timeline; its timeline is empty');
  stream.ready
    .then(() => {
      timeline.setEnd(stream.stats().streamEndSec);
      if (dir && !stream.reopened) timeline.save(dir);
    })
    .catch(() => undefined);
}

/** A live source's frames; a remote server may be shown them later, so they are kept as stills. */
async function* liveFrames(
  spec: LiveSourceSpec,
  options: OpenOptions,
  stills?: StillStore,
): AsyncIterable<IngestItem> {
  const fps = options.fps ?? SESSION_DEFAULTS.fps;
  yield* gatedItems(
    kept(decodeFrames(spec, { fps, signal: options.signal }), stills),
    options.gate ?? {},
  );
}

async function* kept(frames: AsyncIterable<DecodedFrame>, stills?: StillStore) {
  for await (const frame of frames) {
    // A still that fails to encode costs the remote server that one image, not the stream.
    await stills?.add(frame).catch(() => undefined);
    yield frame;
  }
}
