// The remote generation backend's public surface: hand a question and keyframes to any
// OpenAI-compatible server with image input (vLLM, SGLang, Ollama, llama.cpp server).
export { RemoteChatBackend, type RemoteClientOptions } from './client';
export {
  describeRemoteConfig,
  remoteConfigured,
  resolveRemoteConfig,
  REMOTE_ENV,
  type RemoteConfig,
  type RemoteSettings,
} from './config';
export { RemoteError, type RemoteErrorKind } from './errors';
export {
  askRemoteWithKeyframes,
  buildKeyframeMessages,
  formatTimestamp,
  keyframeFromFrame,
  type Keyframe,
  type RemoteAnswer,
  type RemoteAskOptions,
  type RgbFrame,
} from './keyframes';
export { extractKeyframes, type ExtractOptions } from './video-keyframes';
export { remoteGenerator, type RemoteGeneratorOptions } from './stream-generator';
export { StillStore, type StillStoreOptions } from './still-store';
