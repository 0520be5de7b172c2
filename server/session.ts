// One language-server session on one connection: settings and limits, the engine worker,
// the job scheduler, status, and the handlers. A bad request ends that request only.
import {
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  type CancellationToken,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  PROTOCOL_VERSION,
  type EngineCapability,
  type VlmServerCapabilities,
  type VlmSettings,
} from '../protocol/protocol';
import { EngineHost } from './engine-host/host';
import type { EngineNotice } from './engine-host/types';
import { toResponseError } from './errors';
import { registerFeatures } from './features/register';
import { registerAskHandlers } from './handlers/ask';
import { registerModelHandlers } from './handlers/models';
import { registerScreenshotHandlers } from './handlers/screenshot';
import { registerStatsHandlers } from './handlers/stats';
import { registerStreamHandlers } from './handlers/streams';
import { JobScheduler } from './jobs/scheduler';
import { METHOD_PARAMS } from './method-params';
import { resolveLimits } from './jobs/limits';
import type { Session } from './session-types';
import { StatusTracker } from './status';
import { StreamStates } from './stream-states';

export const DEFAULT_STATS_INTERVAL_MS = 1000;

export function startSession(connection: Connection): Session {
  let initOptions: VlmSettings = {};
  let settings: VlmSettings = {};
  let limits = resolveLimits().limits;
  let capabilities: EngineCapability[] = [];
  let clientHasConfiguration = false;
  const noticeListeners: ((notice: EngineNotice) => void)[] = [];
  const engine = new EngineHost((notice) =>
    noticeListeners.forEach((listener) => listener(notice)),
  );
  const openStreams = new Set<string>();
  const streams = new StreamStates();
  const memoryBytes = () => process.memoryUsage().rss;
  const status = new StatusTracker(connection, {
    activeJobs: () => scheduler.activeJobs,
    queuedJobs: () => scheduler.queuedJobs,
    openStreams: () => openStreams.size,
    encodingStreams: () => streams.encoding(),
    memoryBytes,
    capabilities: () => capabilities,
  });
  const scheduler = new JobScheduler(
    () => limits,
    memoryBytes,
    () => status.changed(),
  );
  const documents = new TextDocuments(TextDocument);
  noticeListeners.push((notice) => {
    if (notice.kind !== 'engineState') return;
    const state = notice.payload as {
      state: 'loadingModel' | 'idle' | 'error';
      model?: string;
      error?: string;
    };
    if (state.model && state.state === 'idle') status.setModel(state.model);
    if (state.state === 'error' && !state.model) {
      openStreams.clear();
      streams.clear();
    }
    status.setPhase(state.state, undefined, state.error);
  });

  const session: Session = {
    connection,
    engine,
    scheduler,
    status,
    documents,
    limits: () => limits,
    statsIntervalMs: () =>
      settings.statsIntervalMs ?? initOptions.statsIntervalMs ?? DEFAULT_STATS_INTERVAL_MS,
    capabilities: () => capabilities,
    openStreams,
    streams,
    noticeListeners,
    handle(type, handler) {
      const check = METHOD_PARAMS[type.method];
      connection.onRequest(type.method, async (raw: unknown, token: CancellationToken) => {
        try {
          const params = (check ? check(raw) : raw) as Parameters<typeof handler>[0];
          return await handler(params, token);
        } catch (error) {
          return toResponseError(error);
        }
      });
    },
  };

  const applySettings = () => {
    const resolved = resolveLimits(initOptions.limits, settings.limits);
    limits = resolved.limits;
    void engine.call('configure', { ...initOptions, ...settings }).catch(() => {});
    statsTimer?.schedule();
    for (const problem of resolved.problems)
      void connection
        .sendNotification(ShowMessageNotification.type, {
          type: MessageType.Warning,
          message: problem,
        })
        .catch(() => {});
    status.changed();
  };

  connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
    initOptions = (params.initializationOptions ?? {}) as VlmSettings;
    clientHasConfiguration = params.capabilities.workspace?.configuration === true;
    applySettings();
    capabilities = await engine.call('capabilities', undefined).catch(() => []);
    status.setPhase('idle');
    const vlm: VlmServerCapabilities = {
      protocolVersion: PROTOCOL_VERSION,
      engine: capabilities,
      limits,
    };
    return {
      capabilities: {
        textDocumentSync: 2,
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        experimental: { vlm },
      },
      serverInfo: { name: 'vlm-stream', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    status.enable();
    statsTimer.schedule();
    if (!clientHasConfiguration) return;
    settings = (await refreshSettings(connection)) ?? settings;
    applySettings();
  });

  connection.onDidChangeConfiguration(async (change) => {
    const pushed = (change.settings as { vlm?: VlmSettings } | undefined)?.vlm;
    const fetched =
      !pushed && clientHasConfiguration ? await refreshSettings(connection) : undefined;
    settings = pushed ?? fetched ?? settings;
    applySettings();
  });

  connection.onShutdown(async () => {
    statsTimer.stop();
    scheduler.close();
    status.dispose();
    await Promise.race([
      engine.call('closeAll', undefined).catch(() => {}),
      new Promise((resolve) => setTimeout(resolve, 5000)),
    ]);
    await engine.stop();
  });

  registerStreamHandlers(session);
  registerAskHandlers(session);
  registerScreenshotHandlers(session);
  const statsTimer = registerStatsHandlers(session);
  registerModelHandlers(session);
  registerFeatures(session);
  documents.listen(connection);
  connection.listen();
  return session;
}

/** Reads the `vlm` settings section when the client supports workspace/configuration. */
async function refreshSettings(connection: Connection): Promise<VlmSettings | undefined> {
  try {
    const value = (await connection.workspace.getConfiguration('vlm')) as VlmSettings | null;
    return value ?? undefined;
  } catch {
    return undefined;
  }
}
