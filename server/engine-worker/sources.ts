// Protocol stream sources as the engine session takes them, and their labels.
import type { LiveSourceSpec } from '../../engine/ingest';
import type { StreamSource } from '../../protocol/protocol';

export function sourceLabel(source: StreamSource): string {
  switch (source.kind) {
    case 'file':
      return decodeURIComponent(source.uri.split('/').pop() ?? source.uri);
    case 'url':
      return source.url;
    case 'live':
      return source.input;
    default:
      return source.kind;
  }
}

export function toIngestSpec(source: Exclude<StreamSource, { kind: 'file' }>): LiveSourceSpec {
  switch (source.kind) {
    case 'screen':
      return {
        kind: 'screen',
        display: source.display,
        region: source.region,
        framerate: source.framerate,
      };
    case 'camera':
      return {
        kind: 'camera',
        device: source.device,
        width: source.width,
        height: source.height,
        framerate: source.framerate,
      };
    case 'url':
      return { kind: 'url', url: source.url, rtspTransport: source.rtspTransport };
    case 'live':
      if (
        source.format === 'x11grab' ||
        source.format === 'gdigrab' ||
        source.format === 'avfoundation'
      )
        return { kind: 'screen', display: source.input };
      if (source.format === 'v4l2' || source.format === 'dshow')
        return { kind: 'camera', device: source.input };
      return { kind: 'url', url: source.input };
  }
}
