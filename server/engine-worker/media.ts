// What a media file is (kind, size, duration), for hover and vlm/mediaSummary.
import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import { VlmErrorCodes, type MediaInfo } from '../../protocol/protocol';
import { uriToPath, pathToUri } from '../uri';
import { readVideoMetadata } from '../../engine/ingest';
import { detectMediaKind } from '../../engine/media';
import { EngineError } from '../engine-host/engine-error';
import { mapEngineError } from './map-engine-error';

export function requirePath(uri: string, field: string): string {
  const path = uriToPath(uri);
  if (!path)
    throw new EngineError(
      VlmErrorCodes.InvalidParams,
      `invalid params: '${field}' must be a file: URI or an absolute path, got '${uri}'`,
      { field, uri },
    );
  return path;
}

async function fileBytes(path: string, uri: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    return info.size;
  } catch (error) {
    throw new EngineError(
      VlmErrorCodes.MediaUnreadable,
      `cannot read media file ${path}: ${(error as Error).message}`,
      { uri },
    );
  }
}

export async function describeMedia(uriOrPath: string, signal?: AbortSignal): Promise<MediaInfo> {
  const path = requirePath(uriOrPath, 'uri');
  const uri = pathToUri(path);
  const bytes = await fileBytes(path, uri);
  const kind = await detectMediaKind(path).catch((error: unknown) => {
    throw new EngineError(VlmErrorCodes.MediaUnreadable, (error as Error).message, { uri });
  });
  if (kind === 'image') {
    try {
      const meta = await sharp(path).metadata();
      return { uri, kind, width: meta.width, height: meta.height, bytes, codec: meta.format };
    } catch (error) {
      throw new EngineError(
        VlmErrorCodes.MediaUnreadable,
        `cannot decode image ${path}: ${(error as Error).message}`,
        { uri },
      );
    }
  }
  try {
    const meta = await readVideoMetadata(path, { signal });
    return {
      uri,
      kind,
      durationSec: meta.durationSec,
      width: meta.width,
      height: meta.height,
      fps: meta.fps,
      bytes,
      codec: meta.codec,
    };
  } catch (error) {
    throw mapEngineError(error, uri);
  }
}
