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
}

export const EXECUTION_PROVIDERS = ['auto', 'cpu', 'cuda', 'webgpu'] as const;
export const TRANSPORTS = ['local', 'remote'] as const;
export const TRACE_LEVELS = ['off', 'messages', 'verbose'] as const;
export const SCREEN_TEXT_MODES = ['auto', 'on', 'off'] as const;

export const SETTINGS: readonly SettingDefinition[] = [
  {
    key: 'vlm.modelPath',
    type: 'string',
    default: '',
    description:
      'Model folder in the Hugging Face ONNX layout (config.json, tokenizer.json, onnx/*.onnx). Empty: the built-in reference model, whose answers are not meaningful.',
    scope: 'machine',
    env: 'VLM_MODEL_DIR',
  },
  {
    key: 'vlm.executionProvider',
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
      'onnxruntime execution provider. Falls back to CPU, with a message, when unavailable.',
    env: 'VLM_PROVIDER',
  },
  {
    key: 'vlm.threads',
    type: 'integer',
    default: 0,
    minimum: 0,
    maximum: 256,
    description: 'Intra-op threads for onnxruntime. 0: let onnxruntime choose.',
  },
  {
    key: 'vlm.budget.sinkTokens',
    type: 'integer',
    default: 512,
    minimum: 0,
    maximum: 4096,
    description:
      'Attention-sink tokens kept forever at the start of the cache (the prompt prefix).',
  },
  {
    key: 'vlm.budget.recentBlocks',
    type: 'integer',
    default: 8,
    minimum: 1,
    maximum: 512,
    description: 'Frames (KV blocks) kept in the recent window at full precision.',
  },
  {
    key: 'vlm.budget.topK',
    type: 'integer',
    default: 8,
    minimum: 0,
    maximum: 256,
    description: 'Older frames retrieved into the context for each question.',
  },
  {
    key: 'vlm.budget.maxContextTokens',
    type: 'integer',
    default: 0,
    minimum: 0,
    maximum: 131072,
    description:
      'Upper bound on the tokens in one question’s context (sink + retrieved + recent + question + answer). 0: the model’s own limit (max_position_embeddings); a larger value is refused when a stream opens.',
  },
  {
    key: 'vlm.limits.memoryBudgetMb',
    type: 'integer',
    default: 4096,
    minimum: 64,
    maximum: 1048576,
    description:
      'Engine memory (resident set) in MiB above which new work is rejected; the KV cache spills older blocks to disk before reaching it.',
  },
  {
    key: 'vlm.limits.concurrentJobs',
    type: 'integer',
    default: 2,
    minimum: 1,
    maximum: 64,
    description: 'Jobs (ask, analyze, encode) running at the same time; more wait in the queue.',
  },
  {
    key: 'vlm.limits.queueLength',
    type: 'integer',
    default: 16,
    minimum: 0,
    maximum: 1024,
    description: 'Jobs waiting to run; one more is rejected with "queue full".',
  },
  {
    key: 'vlm.limits.requestTimeoutMs',
    type: 'integer',
    default: 120000,
    minimum: 0,
    maximum: 3600000,
    description: 'Longest time one request may run, in milliseconds. 0: no limit.',
  },
  {
    key: 'vlm.limits.maxStreams',
    type: 'integer',
    default: 4,
    minimum: 1,
    maximum: 64,
    description: 'Streams open at the same time; opening one more is refused until one is closed.',
  },
  {
    key: 'vlm.statsIntervalMs',
    type: 'integer',
    default: 1000,
    minimum: 0,
    maximum: 60000,
    description:
      'How often the server sends cache statistics to the diagnostics panel, in ms. 0: off.',
  },
  {
    key: 'vlm.sampling.fps',
    type: 'number',
    default: 1,
    minimum: 0.05,
    maximum: 30,
    description: 'Frames per second sampled from a video or live source before the frame gate.',
  },
  {
    key: 'vlm.gate.threshold',
    type: 'number',
    default: 12,
    minimum: 0,
    maximum: 255,
    description:
      'Frame gate: a sampled frame is skipped as a near-duplicate unless the mean luma of some 4×4-pixel block changed by more than this many levels (0–255) since the last kept frame; the same unit as `vlm ask --gate`. 0: only identical frames are skipped.',
  },
  {
    key: 'vlm.screenText.enabled',
    type: 'string',
    default: 'auto',
    enum: SCREEN_TEXT_MODES,
    enumDescriptions: [
      'Read the text of screenshots and screen recordings; skip camera footage (judged from the pixels of the first frames).',
      'Read the text of every encoded frame, whatever the source.',
      'Never read on-screen text: encoding is fastest and Find Text in Video is unavailable.',
    ],
    description:
      'Read the on-screen text (OCR) of each encoded frame: it is searched for questions, shown in the evidence and searched by Find Text in Video. auto reads screenshots and screen recordings and skips camera footage, where OCR finds nothing and makes encoding about ten times slower on a CPU. The same choice as `vlm ask --ocr` (on) and `--no-ocr` (off).',
  },
  {
    key: 'vlm.cacheDir',
    type: 'string',
    default: '',
    description:
      'Where generated models, downloaded models and encoded streams are kept. Empty: $XDG_CACHE_HOME/vlm-stream or ~/.cache/vlm-stream.',
    scope: 'machine',
    env: 'VLM_CACHE_DIR',
  },
  {
    key: 'vlm.cache.diskBudgetMB',
    type: 'integer',
    default: 4096,
    minimum: 0,
    maximum: 1048576,
    description:
      'Disk budget for offloaded KV blocks and persisted streams, in MiB. 0: the engine’s default.',
  },
  {
    key: 'vlm.ffmpegPath',
    type: 'string',
    default: '',
    description:
      'The ffmpeg binary. Empty: FFMPEG_PATH, then the ffmpeg shipped in npm, then PATH.',
    scope: 'machine',
    env: 'FFMPEG_PATH',
  },
  {
    key: 'vlm.server.transport',
    type: 'string',
    default: 'local',
    enum: TRANSPORTS,
    enumDescriptions: [
      'Start the language server inside the editor (stdio).',
      'Connect to `vlm serve --socket PORT --token TOKEN` on another machine.',
    ],
    description: 'How the extension reaches the language server.',
    scope: 'window',
  },
  {
    key: 'vlm.server.host',
    type: 'string',
    default: '127.0.0.1',
    description: 'Remote server host (used when vlm.server.transport is "remote").',
    scope: 'window',
  },
  {
    key: 'vlm.server.port',
    type: 'integer',
    default: 7891,
    minimum: 1,
    maximum: 65535,
    description: 'Remote server TCP port (used when vlm.server.transport is "remote").',
    scope: 'window',
  },
  {
    key: 'vlm.server.token',
    type: 'string',
    default: '',
    description:
      'Token the remote server requires (the --token given to `vlm serve`). Required when vlm.server.transport is "remote".',
    scope: 'window',
  },
  {
    key: 'vlm.remote.baseUrl',
    type: 'string',
    default: '',
    description:
      'OpenAI-compatible server (vLLM, SGLang, Ollama, llama.cpp) that answers questions about videos, e.g. http://gpu-host:8000/v1. The engine still ingests and retrieves; the retrieved frames are sent with their times (live streams opened while this is set keep their frames as stills for it). Empty: answer with the local model. The API key is read from VLM_REMOTE_API_KEY where the language server runs.',
    scope: 'machine',
    env: 'VLM_REMOTE_BASE_URL',
  },
  {
    key: 'vlm.remote.model',
    type: 'string',
    default: '',
    description:
      'Model name the remote server lists at /v1/models (used when vlm.remote.baseUrl is set).',
    scope: 'machine',
    env: 'VLM_REMOTE_MODEL',
  },
  {
    key: 'vlm.models.downloadBaseUrl',
    type: 'string',
    default: '',
    format: 'uri',
    description:
      'Advanced: a model server of your own for Download Model’s “From a manifest server…” choice: <base>/<model>/vlm-manifest.json lists the files with sizes and sha256. The catalog models come from Hugging Face without it.',
    scope: 'machine',
  },
  {
    key: 'vlm.trace.server',
    type: 'string',
    default: 'off',
    enum: TRACE_LEVELS,
    description:
      'Traces the messages between the editor and the language server in the VLM output.',
    scope: 'window',
  },
];

/** The manifest's contributes.configuration, generated from SETTINGS. */
export function configurationContribution(): {
  title: string;
  properties: Record<string, Record<string, unknown>>;
} {
  const properties: Record<string, Record<string, unknown>> = {};
  for (const s of SETTINGS) {
    // `format` stays out of the manifest: VS Code would flag the empty default as "not a URI";
    // validateSettings() checks it instead.
    const { key, env: _env, format: _format, ...schema } = s;
    properties[key] = { ...schema, enum: schema.enum ? [...schema.enum] : undefined };
    if (!schema.enum) delete properties[key].enum;
    if (schema.enumDescriptions) properties[key].enumDescriptions = [...schema.enumDescriptions];
  }
  return { title: 'VLM Stream', properties };
}
