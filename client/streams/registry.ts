// The streams the server has open, as last reported (vlm/streamStatusChanged and the
// results of vlm/openStream). Pure: the quick pick and the answers view read it.
import type { StreamSummary } from '../../protocol/protocol';
import { liveLabel } from '../commands/live-source';

export class StreamRegistry {
  private readonly streams = new Map<string, StreamSummary>();

  update(stream: StreamSummary): void {
    if (stream.state === 'closed') this.streams.delete(stream.streamId);
    else this.streams.set(stream.streamId, stream);
  }

  get(streamId: string): StreamSummary | undefined {
    return this.streams.get(streamId);
  }

  /** The open (not failed) stream reading this file URI, if any. */
  forFile(uri: string): StreamSummary | undefined {
    return [...this.streams.values()].find(
      (s) => s.source.kind === 'file' && s.source.uri === uri && s.state !== 'failed',
    );
  }

  list(): StreamSummary[] {
    return [...this.streams.values()];
  }

  clear(): void {
    this.streams.clear();
  }
}

/** One quick-pick line for a stream: label, state, how far it is encoded. */
export function describeStream(s: StreamSummary): {
  label: string;
  description: string;
  detail?: string;
} {
  const skipped =
    s.framesDecoded > 0
      ? `, ${Math.round((100 * s.framesSkipped) / s.framesDecoded)}% skipped`
      : '';
  return {
    label: s.label || liveLabel(s.source),
    description: `${s.state} · ${s.framesEncoded} frames encoded to ${s.encodedUntilSec.toFixed(1)} s${skipped}`,
    detail: s.error,
  };
}
