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
  const tooltip = `${model}\n${jobs}\nClick for cache diagnostics.`;
  switch (status.state) {
    case 'starting':
      return { text: '$(loading~spin) VLM: starting', tooltip, error: false };
    case 'loadingModel':
      return { text: '$(loading~spin) VLM: loading model', tooltip, error: false };
    case 'encoding': {
      const fps = status.encodeFps !== undefined ? ` at ${status.encodeFps.toFixed(1)} fps` : '';
      return { text: `$(pulse) VLM: encoding${fps}`, tooltip, error: false };
    }
    case 'answering':
      return { text: '$(comment-discussion) VLM: answering', tooltip, error: false };
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
