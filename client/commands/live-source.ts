// Builds the StreamSource for "Open Live Source…" from what the user picked and typed, with
// a clear message for input that cannot work. Pure, unit-tested.
import type { StreamSource } from '../../protocol/protocol';

export type LiveKind = 'screen' | 'camera' | 'url';

export function liveSource(
  kind: LiveKind,
  input: string,
  platform: NodeJS.Platform = process.platform,
): StreamSource {
  const value = input.trim();
  switch (kind) {
    case 'screen':
      return value ? { kind: 'screen', display: value } : { kind: 'screen' };
    case 'camera':
      if (!value)
        return { kind: 'camera', device: platform === 'linux' ? '/dev/video0' : undefined };
      return { kind: 'camera', device: value };
    case 'url': {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new Error(`"${value}" is not a URL; use rtsp://, rtsps://, http:// or https://`);
      }
      if (!['rtsp:', 'rtsps:', 'http:', 'https:'].includes(url.protocol)) {
        throw new Error(
          `${url.protocol} URLs are not supported; use rtsp://, rtsps://, http:// or https://`,
        );
      }
      return { kind: 'url', url: url.href };
    }
  }
}

/** Label for the answers view and the stream quick pick. */
export function liveLabel(source: StreamSource): string {
  switch (source.kind) {
    case 'screen':
      return `screen ${source.display ?? ''}`.trim();
    case 'camera':
      return `camera ${source.device ?? ''}`.trim();
    case 'url':
      return source.url;
    case 'live':
      return source.input;
    case 'file':
      return decodeURIComponent(source.uri.split('/').pop() ?? source.uri);
  }
}
