// What a media file is (kind, size, duration), for hover and vlm/mediaSummary.
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp from 'sharp';
import { VlmErrorCodes, type MediaInfo } from '../../protocol/protocol';
import { uriToPath, pathToUri } from '../uri';
import { readVideoMetadata } from '../../engine/ingest';
import { EngineError } from './engine-error';
import { mapEngineError } from './map-engine-error';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.bmp', '.tif', '.tiff'];
export const VIDEO_EXTENSIONS = ['.mp4', '.webm', '.mov', '.mkv', '.avi', '.gif', '.m4v'];

export function mediaKind(path: string): 'image' | 'video' | undefined {
  const ext = extname(path).toLowerCase();
  if (IMAGE_EXTENSIONS.includes(ext)) return 'image';
  if (VIDEO_EXTENSIONS.includes(ext)) return 'video';
  return undefined;
}

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
  const kind = mediaKind(path) ?? 'video';
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
      kind: meta.isImage ? 'image' : 'video',
      durationS: meta.durationSec,
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
