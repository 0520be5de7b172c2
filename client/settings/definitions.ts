// Every `vlm.*` setting, declared once. The manifest's contributes.configuration is
// generated from this table (scripts/write-manifest.ts) and a unit test keeps the two equal,
// so the settings editor, the validator and the table in docs/configuration.md never drift apart.

export interface SettingDefinition {
  /** The full key, e.g. "vlm.threads". */
  key: string;
  type: 'string' | 'integer' | 'number' | 'boolean';
  default: string | number | boolean;
  description: string;
  enum?: readonly string[];
  enumDescriptions?: readonly string[];
  minimum?: number;
  maximum?: number;
  /** JSON-schema format checked by the settings editor ("uri"). */
  format?: 'uri';
  /** "window" for settings that only make sense per editor window, e.g. the transport. */
  scope?: 'window' | 'machine' | 'resource';
  /** An environment variable the engine reads for the same value (docs/configuration.md). */
  env?: string;
  /** The settings editor's group (SECTIONS). */
  section: SettingSection;
  /** Shown instead of the description by the settings editor for a setting on its way out. */
  markdownDeprecationMessage?: string;
}

export const EXECUTION_PROVIDERS = ['auto', 'cpu', 'cuda', 'webgpu'] as const;
export const TRANSPORTS = ['local', 'remote'] as const;
export const TRACE_LEVELS = ['off', 'messages', 'verbose'] as const;
export const SCREEN_TEXT_MODES = ['auto', 'on', 'off'] as const;

/** The settings editor's groups, in the order people reach for them. */
export const SECTIONS = [
  'Model',
  'Remote server',
  'Performance',
  'Cache budgets (advanced)',
] as const;
export type SettingSection = (typeof SECTIONS)[number];

// Within a section the order here is the order in the settings editor (the manifest's
// `order`): what most people change first, jargon last.
export const SETTINGS: readonly SettingDefinition[] = [
  // ---- Model ----
  {
    key: 'vlm.modelPath',
    section: 'Model',
    type: 'string',
    default: '',
    description:
      'The model that answers: a folder in the Hugging Face ONNX layout (config.json, tokenizer.json, onnx/*.onnx). "VLM: Select Model…" and "VLM: Download Model…" set it. Empty: the built-in reference model, whose answers are not meaningful.',
    scope: 'machine',
    env: 'VLM_MODEL_DIR',
  },
  {
    key: 'vlm.executionProvider',
    section: 'Model',
    type: 'string',
    default: 'auto',
    enum: EXECUTION_PROVIDERS,
    enumDescriptions: [
      'CUDA when installed and a device is present, else CPU.',
      'CPU only.',
      'NVIDIA GPU through onnxruntime CUDA (needs the CUDA build of onnxruntime-node).',
      'WebGPU (Vulkan, Metal or D3D12 adapter).',
    ],
    description:
      'Where the model runs: the CPU or a GPU (onnxruntime execution provider). Falls back to the CPU, with a message, when the choice is unavailable.',
    env: 'VLM_PROVIDER',
  },
  {
    key: 'vlm.modelDtype',
    section: 'Model',
    type: 'string',
    default: 'auto',
    enum: ['auto', 'fp32', 'fp16', 'q8', 'q4'],
    enumDescriptions: [
      'q8 when the model has it for every part (faster and half the memory on a CPU), else fp32.',
      'Full-precision weights: the largest and, on a CPU, the slowest.',
      'Half-precision weights (for GPUs).',
      'Weights quantized to 8 bits (MatMulInteger).',
      'Weights quantized to 4 bits (MatMulNBits): the smallest download.',
    ],
    description:
      'Which weights to load when the model folder has several (the files of other dtypes are ignored). A model pulled with one dtype has only that one.',
    env: 'VLM_DTYPE',
  },
  {
    key: 'vlm.screenText.enabled',
    section: 'Model',
    type: 'string',
    default: 'auto',
    enum: SCREEN_TEXT_MODES,
    enumDescriptions: [
      'Read the text of screenshots and screen recordings; skip camera footage (judged from the pixels of the first frames).',
      'Read the text of every encoded frame, whatever the source.',
      'Never read on-screen text: encoding is fastest and Find Text in Video is unavailable.',
    ],
    description:
      'Read the text on screen in each encoded frame (OCR): it is searched for questions, shown in the evidence and searched by Find Text in Video. auto reads screenshots and screen recordings and skips camera footage, where OCR finds nothing and makes encoding about ten times slower on a CPU. The same choice as `vlm ask --ocr` (on) and `--no-ocr` (off).',
  },
  {
    key: 'vlm.cacheDir',
    section: 'Model',
    type: 'string',
    default: '',
    description:
      'Where downloaded and generated models and encoded streams are kept. Empty: $XDG_CACHE_HOME/vlm-stream or ~/.cache/vlm-stream.',
    scope: 'machine',
    env: 'VLM_CACHE_DIR',
  },
  {
    key: 'vlm.models.downloadBaseUrl',
    section: 'Model',
    type: 'string',
    default: '',
    format: 'uri',
    description:
      'Advanced: a model server of your own for Download Model’s “From a manifest server…” choice: <base>/<model>/vlm-manifest.json lists the files with sizes and sha256. The catalog models come from Hugging Face without it.',
    scope: 'machine',
  },
  // ---- Remote server ----
  {
    key: 'vlm.remote.baseUrl',
    section: 'Remote server',
    type: 'string',
    default: '',
    description:
      'A server that answers with a bigger model: any OpenAI-compatible endpoint (vLLM, SGLang, Ollama, llama.cpp), e.g. http://gpu-host:8000/v1. This machine still reads the video and picks the frames; the chosen frames are sent with their times (live streams opened while this is set keep their frames as stills for it). Empty: answer with the local model. Its API key is set with "VLM: Set API Key…" (kept in the secret storage) or VLM_REMOTE_API_KEY where the language server runs.',
    scope: 'machine',
    env: 'VLM_REMOTE_BASE_URL',
  },
  {
    key: 'vlm.remote.model',
    section: 'Remote server',
    type: 'string',
    default: '',
    description:
      'The model name that server lists at /v1/models (used when vlm.remote.baseUrl is set).',
    scope: 'machine',
    env: 'VLM_REMOTE_MODEL',
  },
  {
    key: 'vlm.server.transport',
    section: 'Remote server',
    type: 'string',
    default: 'local',
    enum: TRANSPORTS,
    enumDescriptions: [
      'Start the language server inside the editor (stdio).',
      'Connect to `vlm serve --socket PORT --token TOKEN` on another machine.',
    ],
    description:
      'Where the whole engine runs: inside the editor, or on another machine running `vlm serve --socket` (language server transport).',
    scope: 'window',
  },
  {
    key: 'vlm.server.host',
    section: 'Remote server',
    type: 'string',
    default: '127.0.0.1',
    description: 'Host of that machine (used when vlm.server.transport is "remote").',
    scope: 'window',
  },
  {
    key: 'vlm.server.port',
    section: 'Remote server',
    type: 'integer',
    default: 7891,
    minimum: 1,
    maximum: 65535,
    description: 'TCP port of `vlm serve --socket` (used when vlm.server.transport is "remote").',
    scope: 'window',
  },
  {
    key: 'vlm.server.token',
    section: 'Remote server',
    type: 'string',
    default: '',
    description:
      'Deprecated: the token now lives in the secret storage ("VLM: Set Server Token…"). A value left here is moved there once and removed.',
    markdownDeprecationMessage:
      'The token is kept in the secret storage now: run **VLM: Set Server Token…**. A value here is moved there once and removed from settings.',
    scope: 'window',
  },
  // ---- Performance ----
  {
    key: 'vlm.sampling.fps',
    section: 'Performance',
    type: 'number',
    default: 1,
    minimum: 0.05,
    maximum: 30,
    description:
      'How many frames per second are taken from a video or live source; more sees more and costs more (sampling rate, before the frame gate).',
  },
  {
    key: 'vlm.gate.threshold',
    section: 'Performance',
    type: 'number',
    default: 12,
    minimum: 0,
    maximum: 255,
    description:
      'How much a frame must change to be encoded (frame gate): a sampled frame is skipped as a near-duplicate unless the mean luma of some 4×4-pixel block changed by more than this many levels (0–255) since the last kept frame; the same unit as `vlm ask --gate`. 0: only identical frames are skipped.',
  },
  {
    key: 'vlm.threads',
    section: 'Performance',
    type: 'integer',
    default: 0,
    minimum: 0,
    maximum: 256,
    description:
      'CPU threads the model may use (onnxruntime intra-op threads). 0: let onnxruntime choose.',
  },
  {
    key: 'vlm.limits.concurrentJobs',
    section: 'Performance',
    type: 'integer',
    default: 2,
    minimum: 1,
    maximum: 64,
    description: 'Jobs (ask, analyze, encode) running at the same time; more wait in the queue.',
  },
  {
    key: 'vlm.limits.queueLength',
    section: 'Performance',
    type: 'integer',
    default: 16,
    minimum: 0,
    maximum: 1024,
    description: 'Jobs waiting to run; one more is rejected with "queue full".',
  },
  {
    key: 'vlm.limits.requestTimeoutMs',
    section: 'Performance',
    type: 'integer',
    default: 120000,
    minimum: 0,
    maximum: 3600000,
    description: 'Longest time one request may run, in milliseconds. 0: no limit.',
  },
  {
    key: 'vlm.limits.maxStreams',
    section: 'Performance',
    type: 'integer',
    default: 4,
    minimum: 1,
    maximum: 64,
    description: 'Streams open at the same time; opening one more is refused until one is closed.',
  },
  {
    key: 'vlm.limits.memoryBudgetMb',
    section: 'Performance',
    type: 'integer',
    default: 4096,
    minimum: 64,
    maximum: 1048576,
    description:
      'Memory the engine may use, in MiB, before new work is refused (resident set); older frames move to disk before that.',
  },
  {
    key: 'vlm.ffmpegPath',
    section: 'Performance',
    type: 'string',
    default: '',
    description:
      'The ffmpeg program that decodes videos. Empty: FFMPEG_PATH, then the ffmpeg shipped in npm, then PATH.',
    scope: 'machine',
    env: 'FFMPEG_PATH',
  },
  {
    key: 'vlm.statsIntervalMs',
    section: 'Performance',
    type: 'integer',
    default: 1000,
    minimum: 0,
    maximum: 60000,
    description:
      'How often the server sends cache statistics to the diagnostics panel, in ms. 0: off.',
  },
  {
    key: 'vlm.trace.server',
    section: 'Performance',
    type: 'string',
    default: 'off',
    enum: TRACE_LEVELS,
    description:
      'Writes every message between the editor and the language server to the VLM output (LSP trace); for reporting a bug.',
    scope: 'window',
  },
  // ---- Cache budgets (advanced) ----
  {
    key: 'vlm.budget.sinkTokens',
    section: 'Cache budgets (advanced)',
    type: 'integer',
    default: 512,
    minimum: 0,
    maximum: 4096,
    description:
      'How many of the earliest tokens are always kept, never evicted: the prompt prefix (attention sinks).',
  },
  {
    key: 'vlm.budget.recentBlocks',
    section: 'Cache budgets (advanced)',
    type: 'integer',
    default: 8,
    minimum: 1,
    maximum: 512,
    description:
      'How many of the latest frames are kept at full precision (the recent window, in KV blocks).',
  },
  {
    key: 'vlm.budget.topK',
    section: 'Cache budgets (advanced)',
    type: 'integer',
    default: 8,
    minimum: 0,
    maximum: 256,
    description: 'How many older frames are brought back for each question (top-k retrieval).',
  },
  {
    key: 'vlm.budget.maxContextTokens',
    section: 'Cache budgets (advanced)',
    type: 'integer',
    default: 0,
    minimum: 0,
    maximum: 131072,
    description:
      'The most tokens one question may use: kept, brought-back and recent frames plus the question and the answer (context length). 0: the model’s own limit (max_position_embeddings); a larger value is refused when a stream opens.',
  },
  {
    key: 'vlm.cache.diskBudgetMB',
    section: 'Cache budgets (advanced)',
    type: 'integer',
    default: 4096,
    minimum: 0,
    maximum: 1048576,
    description:
      'Disk space for older frames moved out of memory and for saved streams, in MiB (offloaded KV blocks). 0: the engine’s default.',
  },
];

/** The manifest's contributes.configuration: one titled section per SECTIONS entry, ordered. */
export function configurationContribution(): {
  title: string;
  properties: Record<string, Record<string, unknown>>;
}[] {
  return SECTIONS.map((section) => {
    const properties: Record<string, Record<string, unknown>> = {};
    SETTINGS.filter((s) => s.section === section).forEach((s, order) => {
      // `format` stays out of the manifest: VS Code would flag the empty default as "not a
      // URI"; validateSettings() checks it instead.
      const { key, env: _env, format: _format, section: _section, ...schema } = s;
      properties[key] = { ...schema, order };
      if (schema.enum) properties[key].enum = [...schema.enum];
      if (schema.enumDescriptions) properties[key].enumDescriptions = [...schema.enumDescriptions];
    });
    return { title: section, properties };
  });
}
