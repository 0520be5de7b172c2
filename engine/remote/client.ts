// The remote generation backend: any OpenAI-compatible chat-completions server with image
// input (vLLM, SGLang, Ollama, llama.cpp server, or our own endpoint). Streams over SSE,
// retries what is worth retrying, and cancels by closing the connection.
import type { ChatBackend, ChatMessage, ChatRequest, GenerationEvent } from '../openai/backend';
import { chunksOf, parseSseData } from '../openai/sse';
import {
  SSE_DONE,
  type WireChatChunk,
  type WireChatRequest,
  type WireContentPart,
  type WireMessage,
  type WireModelList,
} from '../openai/wire';
import { describeRemoteConfig, displayUrl, type RemoteConfig } from './config';
import {
  connectionFailure,
  httpFailure,
  redact,
  RemoteError,
  RETRYABLE,
  type FailureContext,
} from './errors';
import { encodeImageDataUrl } from './images';

export interface RemoteClientOptions {
  /** Debug lines (attempts, retries, timings); the API key is redacted from each. */
  log?: (line: string) => void;
}

const MAX_RETRY_AFTER_MS = 30_000;

export class RemoteChatBackend implements ChatBackend {
  constructor(
    readonly config: RemoteConfig,
    private readonly options: RemoteClientOptions = {},
  ) {
    this.debug(describeRemoteConfig(config));
  }

  async listModels(signal?: AbortSignal): Promise<string[]> {
    const exchange = await this.send('GET', '/models', undefined, signal ?? abortNever());
    const body = (await this.readJsonBody(exchange, signal)) as WireModelList;
    if (!Array.isArray(body?.data)) throw this.protocolError('/models', 'no "data" list');
    return body.data.map((m) => m.id);
  }

  async *generate(request: ChatRequest, signal: AbortSignal): AsyncGenerator<GenerationEvent> {
    const wire: WireChatRequest & { stream_options: { include_usage: boolean } } = {
      model: request.model || this.config.model,
      messages: await this.toWireMessages(request.messages),
      stream: true,
      stream_options: { include_usage: true },
      ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.topP !== undefined ? { top_p: request.topP } : {}),
      ...(request.stop ? { stop: request.stop } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
    };
    const body = JSON.stringify(wire);
    this.debug(`POST /chat/completions: ${request.messages.length} messages, ${body.length} bytes`);
    const exchange = await this.send('POST', '/chat/completions', body, signal, wire.model);
    yield* this.readStream(exchange, signal);
  }

  private async toWireMessages(messages: ChatMessage[]): Promise<WireMessage[]> {
    const encoding = {
      maxSide: this.config.maxImageSide,
      format: this.config.imageFormat,
      jpegQuality: this.config.jpegQuality,
    };
    const out: WireMessage[] = [];
    for (const message of messages) {
      // Text-only messages go as plain strings: some servers (older llama.cpp) accept only that.
      if (message.content.every((p) => p.type === 'text')) {
        out.push({
          role: message.role,
          content: message.content.map((p) => (p.type === 'text' ? p.text : '')).join(''),
        });
        continue;
      }
      const parts: WireContentPart[] = [];
      for (const part of message.content) {
        if (part.type === 'text') parts.push({ type: 'text', text: part.text });
        else if (part.type === 'video')
          throw new RemoteError(
            'bad-request',
            'a video cannot be relayed to the remote server as it is: ask about it through the local engine, which sends the server the frames retrieval picks',
          );
        else
          parts.push({
            type: 'image_url',
            image_url: { url: (await encodeImageDataUrl(part.image, encoding)).url },
          });
      }
      out.push({ role: message.role, content: parts });
    }
    return out;
  }

  /** One request with retries; resolves with a 2xx response whose body is still unread. */
  private async send(
    method: string,
    path: string,
    body: string | undefined,
    signal: AbortSignal,
    model = this.config.model,
  ): Promise<Exchange> {
    const url = `${this.config.baseUrl}${path}`;
    const ctx: FailureContext = {
      url: displayUrl(url),
      model,
      hasKey: Boolean(this.config.apiKey),
      maxImageSide: this.config.maxImageSide,
    };
    for (let attempt = 0; ; attempt++) {
      signal.throwIfAborted();
      try {
        return await this.attempt(method, url, body, signal, ctx);
      } catch (error) {
        if (!(error instanceof RemoteError) || signal.aborted) throw error;
        if (!RETRYABLE.has(error.kind) || attempt >= this.config.maxRetries)
          throw this.redacted(error, attempt);
        const delay = error.retryAfterMs ?? this.backoff(attempt);
        this.debug(
          `${method} ${path} attempt ${attempt + 1} failed (${error.kind}); retrying in ${delay} ms`,
        );
        await sleep(delay, signal);
      }
    }
  }

  private async attempt(
    method: string,
    url: string,
    body: string | undefined,
    signal: AbortSignal,
    ctx: FailureContext,
  ): Promise<Exchange> {
    const headers: Record<string, string> = {
      Accept: body ? 'text/event-stream' : 'application/json',
    };
    if (body) headers['Content-Type'] = 'application/json';
    if (this.config.apiKey) headers.Authorization = `Bearer ${this.config.apiKey}`;
    // One controller per attempt: the caller's signal, the header timeout and the idle
    // watch all abort it, and aborting it closes the connection.
    const exchange = new Exchange(signal);
    const timer = setTimeout(() => exchange.abort(TIMED_OUT), this.config.requestTimeoutMs);
    try {
      const response = await fetch(url, { method, headers, body, signal: exchange.signal });
      exchange.response = response;
      if (response.ok) return exchange;
      const text = await response.text().catch(() => '');
      throw httpFailure(
        response.status,
        text,
        ctx,
        retryAfterMs(response.headers.get('retry-after')),
      );
    } catch (error) {
      exchange.dispose();
      if (signal.aborted) throw signal.reason;
      if (exchange.signal.reason === TIMED_OUT)
        throw new RemoteError(
          'timeout',
          `the remote model server at ${ctx.url} did not answer within ${this.config.requestTimeoutMs} ms; check its load, or raise VLM_REMOTE_TIMEOUT_MS`,
        );
      if (error instanceof RemoteError) throw error;
      throw connectionFailure(error, ctx);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Yields the deltas of an SSE chat stream; a silence longer than idleTimeoutMs ends it with an error. */
  private async *readStream(
    exchange: Exchange,
    signal: AbortSignal,
  ): AsyncGenerator<GenerationEvent> {
    const url = displayUrl(`${this.config.baseUrl}/chat/completions`);
    const body = exchange.response?.body;
    if (!body) throw this.protocolError('/chat/completions', 'an empty body');
    const idle = new IdleWatch(this.config.idleTimeoutMs, () => exchange.abort(TIMED_OUT));
    let finishReason: 'stop' | 'length' = 'stop';
    let usage: { promptTokens: number; completionTokens: number } | undefined;
    try {
      for await (const data of parseSseData(idle.watch(chunksOf(body)))) {
        if (data === SSE_DONE) break;
        const chunk = parseJson(data) as
          | (WireChatChunk & { error?: { message?: string } })
          | undefined;
        if (!chunk) throw this.protocolError('/chat/completions', 'an event that is not JSON');
        if (chunk.error)
          throw new RemoteError(
            'server-error',
            this.scrub(
              `the remote model server at ${url} failed mid-answer: "${chunk.error.message ?? 'unknown error'}"`,
            ),
          );
        const choice = chunk.choices?.[0];
        if (choice?.delta?.content) yield { type: 'text', text: choice.delta.content };
        if (choice?.finish_reason)
          finishReason = choice.finish_reason === 'length' ? 'length' : 'stop';
        if (chunk.usage)
          usage = {
            promptTokens: chunk.usage.prompt_tokens,
            completionTokens: chunk.usage.completion_tokens,
          };
      }
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (exchange.signal.reason === TIMED_OUT)
        throw new RemoteError(
          'timeout',
          `the remote model server at ${url} sent nothing for ${this.config.idleTimeoutMs} ms mid-answer; check its load`,
        );
      if (error instanceof RemoteError) throw error;
      throw new RemoteError(
        'unreachable',
        this.scrub(
          `the connection to the remote model server at ${url} broke mid-answer (${(error as Error).message})`,
        ),
      );
    } finally {
      idle.stop();
      // Leaving early (the consumer stopped, or [DONE]) must still close the connection.
      exchange.abort(new Error('stream finished'));
      exchange.dispose();
    }
    if (signal.aborted) throw signal.reason;
    yield { type: 'done', finishReason, usage };
  }

  private async readJsonBody(exchange: Exchange, signal?: AbortSignal): Promise<unknown> {
    const response = exchange.response as Response;
    let text: string;
    try {
      text = await response.text();
    } finally {
      exchange.dispose();
    }
    signal?.throwIfAborted();
    const parsed = parseJson(text);
    if (parsed === undefined)
      throw this.protocolError(new URL(response.url).pathname, 'a body that is not JSON');
    return parsed;
  }

  private backoff(attempt: number): number {
    const base = this.config.retryBaseMs * 2 ** attempt;
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }

  private protocolError(path: string, what: string): RemoteError {
    return new RemoteError(
      'protocol',
      `the remote model server at ${displayUrl(this.config.baseUrl + path)} sent ${what}; is it an OpenAI-compatible server?`,
    );
  }

  private redacted(error: RemoteError, attempt: number): RemoteError {
    const tries = attempt > 0 ? ` (after ${attempt + 1} attempts)` : '';
    const copy = new RemoteError(
      error.kind,
      this.scrub(error.message + tries),
      error.status,
      error.retryAfterMs,
    );
    return copy;
  }

  private scrub(text: string): string {
    return redact(text, [this.config.apiKey]);
  }

  private debug(line: string): void {
    this.options.log?.(this.scrub(line));
  }
}

const TIMED_OUT = new Error('timed out');

/** One HTTP exchange: its response, and the controller that closes its connection. */
class Exchange {
  response?: Response;
  private readonly controller = new AbortController();
  private readonly onCallerAbort = () => this.abort(this.caller.reason);

  constructor(private readonly caller: AbortSignal) {
    caller.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  dispose(): void {
    this.caller.removeEventListener('abort', this.onCallerAbort);
  }
}

/** An AbortSignal that never aborts, for calls made without one. */
function abortNever(): AbortSignal {
  return new AbortController().signal;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS) : undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Notices when a byte stream goes quiet for too long, and calls `onIdle` once. */
class IdleWatch {
  fired = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ms: number,
    private readonly onIdle: () => void,
  ) {}

  async *watch(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    this.arm();
    for await (const chunk of body) {
      this.arm();
      yield chunk;
    }
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.onIdle();
    }, this.ms);
    this.timer.unref();
  }
}
