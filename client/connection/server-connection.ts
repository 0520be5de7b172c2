// Starts and owns the language client: the local server (dist/server.js over stdio) or a
// remote `vlm serve --socket` reached with its token. Re-broadcasts the server's vlm/*
// notifications as events, and answers the server's configuration requests with the
// validated settings, so the server never sees a value the settings editor would reject.
// Every request is logged (log/request-log.ts); the token and API key come from
// SecretStorage (secrets.ts).
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  AskTokenNotification,
  CacheStatsNotification,
  EngineStatusNotification,
  StreamStatusNotification,
  serverProcessEnv,
  VlmCommands,
  type AskTokenParams,
  type CacheStatsResult,
  type EngineStatus,
  type StreamSummary,
} from '../../protocol/protocol';
import { requestLogMiddleware } from '../log/request-log';
import { connectRemote } from './remote';
import { Secrets } from './secrets';
import { readSettings } from '../settings/read';
import { toServerSettings } from '../settings/validate';
import type { ConnectionState } from '../status/text';

const CLIENT_ID = 'vlm';

/** Files whose media links get hovers and code lenses from the server. */
const DOCUMENTS = [
  'markdown',
  'typescript',
  'javascript',
  'typescriptreact',
  'javascriptreact',
  'python',
  'json',
  'html',
];

/**
 * The commands a hover from our server may run when its link is clicked (its "Ask about
 * this video" and "Analyze screenshot"); every other command: link stays inert.
 */
export const HOVER_COMMANDS: readonly string[] = Object.values(VlmCommands);

export class ServerConnection implements vscode.Disposable {
  private client?: LanguageClient;
  private readonly disposables: vscode.Disposable[] = [];
  readonly onEngineStatus = new vscode.EventEmitter<EngineStatus>();
  readonly onStreamStatus = new vscode.EventEmitter<StreamSummary>();
  readonly onCacheStats = new vscode.EventEmitter<CacheStatsResult>();
  readonly onAskToken = new vscode.EventEmitter<AskTokenParams>();
  readonly onState = new vscode.EventEmitter<{ state: ConnectionState; error?: string }>();
  state: ConnectionState = 'stopped';
  private starting?: Promise<void>;
  readonly secrets: Secrets;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
  ) {
    this.secrets = new Secrets(context.secrets);
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('vlm.server')) void this.restart();
        else if (e.affectsConfiguration('vlm')) this.pushSettings();
      }),
      // The token is read when connecting and the API key when the local server starts.
      this.secrets.onDidChange((name) => {
        if (this.state === 'stopped') return;
        output.info(
          `${name === 'apiKey' ? 'API key' : 'server token'} changed; restarting the server`,
        );
        void this.restart().catch(() => undefined);
      }),
    );
  }

  /** The running client; throws a clear error when the server is not running. */
  get running(): LanguageClient {
    if (!this.client || this.state !== 'running') {
      throw new Error(
        `the VLM language server is ${this.state}; run "VLM: Restart Server" or see "VLM: Show Output"`,
      );
    }
    return this.client;
  }

  /** The client once the server runs; waits for a start in progress (commands run early). */
  async ready(): Promise<LanguageClient> {
    await this.starting?.catch(() => undefined);
    return this.running;
  }

  start(): Promise<void> {
    this.starting = this.startClient();
    return this.starting;
  }

  private async startClient(): Promise<void> {
    const { settings } = readSettings();
    const client = new LanguageClient(
      CLIENT_ID,
      'VLM Language Server',
      await this.serverOptions(),
      this.clientOptions(),
    );
    this.client = client;
    const log = this.output;
    // Progress goes to the log at debug (state changes) and trace (every update), so the
    // default level shows requests and errors only.
    client.onNotification(EngineStatusNotification, (p) => {
      log.debug(`engine ${p.state}${p.message ? `: ${p.message}` : ''}`);
      this.onEngineStatus.fire(p);
    });
    client.onNotification(StreamStatusNotification, (p) => {
      log.trace(
        `stream ${p.streamId} (${p.label}) ${p.state}: ${p.framesEncoded} frames encoded, until ${p.encodedUntilSec.toFixed(1)} s${p.error ? `, ${p.error}` : ''}`,
      );
      this.onStreamStatus.fire(p);
    });
    client.onNotification(CacheStatsNotification, (p) => {
      log.trace(`cache stats: ${p.streams.length} streams, ${p.memoryBytes} bytes`);
      this.onCacheStats.fire(p);
    });
    client.onNotification(AskTokenNotification, (p) => this.onAskToken.fire(p));
    client.onDidChangeState((e) => {
      if (e.newState === State.Stopped && this.state === 'running') this.setState('stopped');
    });
    this.setState('starting');
    try {
      await client.start();
      this.setState('running');
      this.output.info(
        `server running (${settings.server.transport === 'remote' ? `remote ${settings.server.host}:${settings.server.port}` : 'local, stdio'})`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.output.error(`server failed to start: ${message}`);
      this.setState('failed', message);
      throw error;
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client && client.state !== State.Stopped) await client.stop(5000).catch(() => {});
    this.setState('stopped');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  dispose(): void {
    void this.stop();
    for (const d of this.disposables) d.dispose();
  }

  private setState(state: ConnectionState, error?: string): void {
    this.state = state;
    this.onState.fire({ state, error });
  }

  private pushSettings(): void {
    if (this.state !== 'running' || !this.client) return;
    const settings = toServerSettings(readSettings().settings);
    void this.client.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { vlm: settings },
    });
  }

  private async serverOptions(): Promise<ServerOptions> {
    const { settings } = readSettings();
    if (settings.server.transport === 'remote') {
      const { host, port } = settings.server;
      // SecretStorage first; a plain-text setting that could not be migrated still works.
      const token = (await this.secrets.get('serverToken')) || settings.server.token;
      return () => connectRemote({ host, port, token });
    }
    const module = this.context.asAbsolutePath('dist/server.js');
    const env = serverProcessEnv(process.env);
    const apiKey = await this.secrets.get('apiKey');
    if (apiKey) env.VLM_REMOTE_API_KEY = apiKey;
    const run = { module, transport: TransportKind.stdio, options: { env } };
    return {
      run,
      debug: { ...run, options: { ...run.options, execArgv: ['--nolazy', '--inspect=6010'] } },
    };
  }

  private clientOptions(): LanguageClientOptions {
    const serverSettings = () => toServerSettings(readSettings().settings);
    return {
      documentSelector: DOCUMENTS.map((language) => ({ scheme: 'file', language })),
      outputChannel: this.output,
      markdown: { isTrusted: { enabledCommands: HOVER_COMMANDS } },
      initializationOptions: serverSettings(),
      middleware: {
        ...requestLogMiddleware(this.output),
        workspace: {
          configuration: async (params, token, next) => {
            const answered = await next(params, token);
            if (!Array.isArray(answered)) return answered;
            return params.items.map((item, i) =>
              item.section === 'vlm' ? serverSettings() : answered[i],
            );
          },
        },
      },
    };
  }
}
