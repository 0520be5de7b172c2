// The session as the handler and feature modules see it. session.ts builds it and
// registers those modules, so the type lives here: the modules import this file, not
// session.ts, and no import cycle forms.
import type {
  CancellationToken,
  Connection,
  RequestType,
  RequestType0,
  TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { EngineCapability, EngineLimits } from '../protocol/protocol';
import type { EngineHost } from './engine-host/host';
import type { EngineNotice } from './engine-host/types';
import type { JobScheduler } from './jobs/scheduler';
import type { StatusTracker } from './status';
import type { StreamStates } from './stream-states';

export interface Session {
  connection: Connection;
  engine: EngineHost;
  scheduler: JobScheduler;
  status: StatusTracker;
  documents: TextDocuments<TextDocument>;
  limits(): EngineLimits;
  statsIntervalMs(): number;
  capabilities(): EngineCapability[];
  /** Stream ids the client opened and has not closed. */
  openStreams: Set<string>;
  /** The latest summary of each open stream (progress, status and asks read it). */
  streams: StreamStates;
  /** Handlers for engine notices (stream status), added by the handler modules. */
  noticeListeners: ((notice: EngineNotice) => void)[];
  /**
   * Registers a request handler whose failures become documented ResponseErrors. The
   * params reach it checked by the method's entry in method-params.ts (InvalidParams
   * naming the field otherwise).
   */
  handle<P, R>(
    type: RequestType<P, R, void> | RequestType0<R, void>,
    handler: (params: P, token: CancellationToken) => Promise<R>,
  ): void;
}
