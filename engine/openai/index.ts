// Our OpenAI-compatible endpoint's public surface, and the ChatBackend every generation
// backend (local model, remote server) implements.
export type {
  ChatBackend,
  ChatImage,
  ChatMessage,
  ChatPart,
  ChatRequest,
  GenerationEvent,
} from './backend';
export { ApiError } from './errors';
export { LocalModelBackend } from './local-backend';
export { startHttpServer, type HttpServerOptions, type RunningHttpServer } from './server';
export type * from './wire';
