// Our OpenAI-compatible HTTP endpoint: GET /v1/models and POST /v1/chat/completions over a
// ChatBackend, so other tools (OpenAI SDKs, curl, agents) can use the engine.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkCaller, isLoopbackHost } from './auth';
import type { ChatBackend } from './backend';
import { readJson } from './body';
import { answerCompletion, streamCompletion } from './completions';
import { ApiError, toApiError } from './errors';
import { parseChatRequest, type RequestLimits } from './request';
import type { WireModelList } from './wire';

export interface HttpServerOptions {
  /** Address to bind. Default 127.0.0.1; any non-loopback address requires `token`. */
  host?: string;
  /** 0 picks a free port (see `port` on the result). */
  port: number;
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Largest request body, in bytes (images travel inside it as base64). Default 20 MiB. */
  maxRequestBytes?: number;
  backend: ChatBackend;
  /** Accept file:// image URLs (they read this machine's disk). Default false. */
  allowFileUrls?: boolean;
  /** With allowFileUrls, only files under these folders. */
  fileRoots?: string[];
  maxImages?: number;
  maxMessages?: number;
  /** Cap on max_tokens, and the default when a request has none. Default 512. */
  maxTokens?: number;
  /** Generations running at once; more are answered 429. Default 4. */
  maxConcurrent?: number;
  /** One line per request (method, path, status); never headers or bodies. */
  log?: (line: string) => void;
}

export interface RunningHttpServer {
  /** e.g. http://127.0.0.1:8080; append /v1 for an OpenAI client's base URL. */
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULTS = {
  maxRequestBytes: 20 * 1024 * 1024,
  maxImages: 16,
  maxMessages: 256,
  maxTokens: 512,
  maxConcurrent: 4,
};

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const host = options.host ?? '127.0.0.1';
  checkBindable(host, options.token);
  const handler = new RequestHandler({
    ...options,
    host,
    maxRequestBytes: options.maxRequestBytes ?? DEFAULTS.maxRequestBytes,
    maxImages: options.maxImages ?? DEFAULTS.maxImages,
    maxMessages: options.maxMessages ?? DEFAULTS.maxMessages,
    maxTokens: options.maxTokens ?? DEFAULTS.maxTokens,
    maxConcurrent: options.maxConcurrent ?? DEFAULTS.maxConcurrent,
    allowFileUrls: options.allowFileUrls ?? false,
  });
  const server = createServer((req, res) => void handler.handle(req, res));
  server.requestTimeout = 120_000;
  await listen(server, options.port, host);
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    close: () => closeServer(server),
  };
}

/** Throws unless `host` may be bound with this token: anything beyond loopback needs one. */
export function checkBindable(host: string, token: string | undefined): void {
  if (!isLoopbackHost(host) && !token)
    throw new Error(
      `refusing to bind ${host} without a token: anyone who can reach it could use the engine; pass --token (or bind 127.0.0.1)`,
    );
  if (token !== undefined && token.length < 8)
    throw new Error('the token must be at least 8 characters');
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'EADDRINUSE' ? 'the port is in use' : error.message;
      reject(new Error(`cannot listen on ${host}:${port}: ${reason}`));
    });
    server.listen(port, host, () => resolve());
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Streams in flight would keep close() waiting; their clients see the connection end.
    server.closeAllConnections();
  });
}

type Settings = Required<Omit<HttpServerOptions, 'token' | 'log' | 'fileRoots'>> &
  Pick<HttpServerOptions, 'token' | 'log' | 'fileRoots'>;

class RequestHandler {
  private running = 0;

  constructor(private readonly settings: Settings) {}

  private get limits(): RequestLimits {
    const s = this.settings;
    return {
      maxImageBytes: s.maxRequestBytes,
      allowFileUrls: s.allowFileUrls,
      fileRoots: s.fileRoots,
      maxImages: s.maxImages,
      maxMessages: s.maxMessages,
      maxTokens: s.maxTokens,
    };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    // Aborted when the client goes away before the answer is complete: generation stops.
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
    });
    try {
      if (req.method === 'GET' && path === '/health') return sendJson(res, 200, { status: 'ok' });
      checkCaller(req, this.settings.token);
      await this.route(req, res, path, controller.signal);
    } catch (error) {
      this.fail(res, error, controller.signal);
    } finally {
      this.settings.log?.(
        `${req.method} ${path} ${res.statusCode}${controller.signal.aborted ? ' (client disconnected)' : ''}`,
      );
    }
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    signal: AbortSignal,
  ): Promise<void> {
    if (path === '/v1/models') {
      if (req.method !== 'GET') throw methodNotAllowed(req, path);
      return sendJson(res, 200, await this.modelList(signal));
    }
    if (path === '/v1/chat/completions') {
      if (req.method !== 'POST') throw methodNotAllowed(req, path);
      return this.chat(req, res, signal);
    }
    throw new ApiError(
      404,
      'not_found',
      `no route ${req.method} ${path}; this server has GET /v1/models and POST /v1/chat/completions`,
    );
  }

  private async modelList(signal: AbortSignal): Promise<WireModelList> {
    const ids = await this.settings.backend.listModels(signal);
    return {
      object: 'list',
      data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'vlm-stream' })),
    };
  }

  private async chat(req: IncomingMessage, res: ServerResponse, signal: AbortSignal) {
    if (this.running >= this.settings.maxConcurrent) {
      res.setHeader('Retry-After', '1');
      throw new ApiError(
        429,
        'too_many_requests',
        `server busy: ${this.running} generations running (limit ${this.settings.maxConcurrent}); retry shortly`,
      );
    }
    this.running++;
    try {
      const body = await readJson(req, this.settings.maxRequestBytes);
      const models = await this.settings.backend.listModels(signal);
      const parsed = await parseChatRequest(body, this.limits, models[0] ?? '');
      if (!models.includes(parsed.request.model))
        throw new ApiError(
          404,
          'model_not_found',
          `The model '${parsed.request.model}' does not exist; GET /v1/models lists: ${models.join(', ')}`,
          'model',
        );
      if (parsed.stream)
        await streamCompletion(
          res,
          this.settings.backend,
          parsed.request,
          signal,
          parsed.includeUsage,
        );
      else await answerCompletion(res, this.settings.backend, parsed.request, signal);
    } finally {
      this.running--;
    }
  }

  private fail(res: ServerResponse, error: unknown, signal: AbortSignal): void {
    if (signal.aborted || res.destroyed) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const apiError = toApiError(error);
    if (apiError.status >= 500) this.settings.log?.(`error: ${apiError.message}`);
    // After a refused body the unread rest would stall a kept-alive connection: close it.
    const close = apiError.status === 413 || apiError.status === 401 || apiError.status === 403;
    if (apiError.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    if (close) res.setHeader('Connection', 'close');
    sendJson(res, apiError.status, apiError.toWire());
  }
}

function methodNotAllowed(req: IncomingMessage, path: string): ApiError {
  return new ApiError(405, 'method_not_allowed', `${req.method} is not allowed on ${path}`);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(json),
  });
  res.end(json);
}
