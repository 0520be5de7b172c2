// `vlm serve --http`: our OpenAI-compatible endpoint in the foreground, backed by the local
// model (or, with --remote, relaying to the VLM_REMOTE_* server), until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import type { ChatBackend } from '../../openai/backend';
import { LocalModelBackend } from '../../openai/local-backend';
import { SessionChatBackend } from '../../openai/session-backend';
import { EngineSession } from '../../session';
import { checkBindable, startHttpServer } from '../../openai/server';
import { RemoteChatBackend } from '../../remote/client';
import { describeRemoteConfig, resolveRemoteConfig } from '../../remote/config';
import { joinNegativeValues } from '../args';
import { ExitCode, UsageError, type CommandIo } from '../command';

export const SERVE_HTTP_USAGE = `  --http           serve an OpenAI-compatible HTTP API (GET /v1/models, POST /v1/chat/completions)
    --port N               port (default 8080; 0 picks a free one)
    --host H               address to bind (default 127.0.0.1; any other needs a token)
    --token T              bearer token clients must send (or VLM_SERVE_TOKEN)
    --model NAME           model folder or reference:tiny (default: VLM_MODEL_DIR, else
                           the built-in reference model, reference:tiny)
    --model-id NAME        the model name clients use (default: the folder's name, or
                           reference:tiny)
    --remote               relay to the VLM_REMOTE_* server instead of a local model
    --max-request-mb N     largest request body (default 20)
    --max-tokens N         cap on max_tokens (default 512)
    --allow-file-urls DIR  accept file:// image and video URLs under DIR (repeatable)
  A request about one video (a video_url part) or one image goes through the streaming
  engine and its completion carries the evidence in a "vlm" field.
`;

const HTTP_OPTIONS = {
  http: { type: 'boolean' },
  port: { type: 'string', default: '8080' },
  host: { type: 'string', default: '127.0.0.1' },
  token: { type: 'string' },
  model: { type: 'string' },
  'model-id': { type: 'string' },
  remote: { type: 'boolean' },
  'max-request-mb': { type: 'string', default: '20' },
  'max-tokens': { type: 'string', default: '512' },
  'allow-file-urls': { type: 'string', multiple: true },
} as const;

function parseHttpArgs(args: string[]) {
  try {
    return parseArgs({
      args: joinNegativeValues(args, HTTP_OPTIONS),
      strict: true,
      options: HTTP_OPTIONS,
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function positiveNumber(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min)
    throw new UsageError(`--${flag}: '${text}' is not a number of at least ${min}`);
  return value;
}

async function chooseBackend(
  values: ReturnType<typeof parseHttpArgs>,
  io: CommandIo,
): Promise<{ backend: ChatBackend; dispose: () => Promise<void> }> {
  if (values.remote) {
    if (values.model) throw new UsageError('--remote and --model exclude each other');
    const config = resolveRemoteConfig();
    io.err(describeRemoteConfig(config));
    return { backend: new RemoteChatBackend(config), dispose: async () => {} };
  }
  const session = new EngineSession();
  try {
    // --model is the model of every request: plain chats and the session's video and image
    // questions alike.
    const loaded = values.model
      ? await session.selectModel(values.model)
      : await session.model(session.selectedModel);
    if (loaded.reference)
      io.err(
        values.model
          ? `Note: ${loaded.id} is a generated reference model; its answers mean nothing.`
          : 'Note: no model is configured (--model or VLM_MODEL_DIR), so the built-in reference model answers; its answers mean nothing.',
      );
    const modelId = values['model-id'] ?? (loaded.reference ? loaded.id : basename(loaded.dir));
    const chat = new LocalModelBackend(loaded.model, modelId);
    return { backend: new SessionChatBackend(session, chat), dispose: () => session.dispose() };
  } catch (error) {
    await session.dispose();
    throw error;
  }
}

export async function serveHttp(args: string[], io: CommandIo): Promise<number> {
  const values = parseHttpArgs(args);
  const port = positiveNumber('port', values.port, 0);
  if (!Number.isInteger(port) || port > 65535)
    throw new UsageError(`--port: '${values.port}' is not a port number (0-65535)`);
  const token = values.token ?? (process.env.VLM_SERVE_TOKEN || undefined);
  checkBindable(values.host, token);
  const maxRequestMb = positiveNumber('max-request-mb', values['max-request-mb'], 0.001);
  const maxTokens = Math.floor(positiveNumber('max-tokens', values['max-tokens'], 1));
  const { backend, dispose } = await chooseBackend(values, io);
  const fileRoots = values['allow-file-urls'] ?? [];
  const server = await startHttpServer({
    host: values.host,
    port,
    token,
    backend,
    maxRequestBytes: Math.round(maxRequestMb * 1024 * 1024),
    maxTokens,
    allowFileUrls: fileRoots.length > 0,
    fileRoots,
    log: process.env.VLM_DEBUG ? (line) => io.err(line) : undefined,
  }).catch(async (error: unknown) => {
    await dispose();
    throw error;
  });
  const models = await backend.listModels(io.signal);
  io.out(
    `OpenAI-compatible endpoint on ${server.url}/v1 (model ${models.join(', ')}${token ? ', bearer token required' : ''}); Ctrl-C stops it`,
  );
  await new Promise<void>((resolve) =>
    io.signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  await server.close();
  await dispose();
  return ExitCode.interrupted;
}
