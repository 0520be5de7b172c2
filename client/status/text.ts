// What the status bar item says for an engine status. Pure, so it is unit-tested.
import type { EngineStatus } from '../../protocol/protocol';

export type ConnectionState = 'starting' | 'running' | 'stopped' | 'failed';

export interface StatusBarView {
  text: string;
  tooltip: string;
  /** True for a real problem: the item gets the error background. */
  error: boolean;
}

export function statusBarView(
  connection: ConnectionState,
  status?: EngineStatus,
  failure?: string,
): StatusBarView {
  if (connection === 'failed') {
    return {
      text: '$(error) VLM: server failed',
      tooltip: `The VLM language server failed: ${failure ?? 'see VLM: Show Output'}. Click for cache diagnostics; run VLM: Restart Server to retry.`,
      error: true,
    };
  }
  if (connection === 'stopped')
    return {
      text: '$(circle-slash) VLM: stopped',
      tooltip: 'The VLM language server is not running.',
      error: false,
    };
  if (connection === 'starting' || !status)
    return {
      text: '$(loading~spin) VLM: starting',
      tooltip: 'Starting the VLM language server…',
      error: false,
    };
  const model = status.model ? `Model: ${status.model}` : 'No model loaded';
  const jobs = `${status.activeJobs} running, ${status.queuedJobs} queued, ${status.openStreams} open stream${status.openStreams === 1 ? '' : 's'}`;
  const encoding = encodingLines(status);
  const tooltip = [model, jobs, ...encoding, 'Click for cache diagnostics.'].join('\n');
  switch (status.state) {
    case 'starting':
      return { text: '$(loading~spin) VLM: starting', tooltip, error: false };
    case 'loadingModel':
      return { text: '$(loading~spin) VLM: loading model', tooltip, error: false };
    case 'encoding':
      return { text: `$(sync~spin) VLM: ${encodingText(status)}`, tooltip, error: false };
    case 'answering':
      return { text: '$(comment-discussion) VLM: answering', tooltip, error: false };
    case 'readingText':
      return { text: '$(search) VLM: reading screen text', tooltip, error: false };
    case 'error':
      return {
        text: '$(error) VLM: error',
        tooltip: `${status.error ?? status.message}\n${tooltip}`,
        error: true,
      };
    case 'idle':
    default:
      return { text: '$(eye) VLM: idle', tooltip, error: false };
  }
}

/**
 * "encoding 40%" for one file of known length, "encoding 2 streams" for several, else
 * "encoding" with the rate when the server knows it (older servers send only the rate).
 */
export function encodingText(status: EngineStatus): string {
  const streams = status.encoding ?? [];
  if (streams.length > 1) return `encoding ${streams.length} streams`;
  const pct = streams[0]?.percentage;
  if (pct !== undefined) return `encoding ${Math.floor(pct)}%`;
  return status.encodeFps !== undefined
    ? `encoding at ${status.encodeFps.toFixed(1)} fps`
    : 'encoding';
}

function encodingLines(status: EngineStatus): string[] {
  return (status.encoding ?? []).map(
    (s) =>
      `Encoding ${s.label}${s.percentage !== undefined ? `: ${Math.floor(s.percentage)}%` : ''}`,
  );
}
