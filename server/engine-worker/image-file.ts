// The file a vlm/ask image is read from: its file URI, or its base64 bytes in a temporary
// file, written once the pixel limit in their header is checked. Errors about the bytes
// name them as `image.base64 (N bytes)`, never by the temporary file.
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkImagePixels } from '../../engine/session';
import type { ImageRef } from '../../protocol/protocol';
import { EngineError } from '../engine-host/engine-error';
import { mapEngineError } from './map-engine-error';

/** Runs `use` with the image's file (a URI as given, or a temporary file removed after). */
export async function withImageFile<T>(
  image: ImageRef,
  use: (uri: string) => Promise<T>,
): Promise<T> {
  if ('uri' in image) return use(image.uri);
  const bytes = Buffer.from(image.base64, 'base64');
  const name = `image.base64 (${bytes.length} bytes)`;
  await checkImagePixels(bytes, name).catch((error: unknown) =>
    Promise.reject(mapEngineError(error)),
  );
  const ext = image.mimeType?.includes('jpeg')
    ? '.jpg'
    : image.mimeType?.includes('webp')
      ? '.webp'
      : '.png';
  const tempFile = join(tmpdir(), `vlm-ask-${randomBytes(6).toString('hex')}${ext}`);
  writeFileSync(tempFile, bytes);
  try {
    return await use(tempFile);
  } catch (error) {
    throw renamed(error, tempFile, name);
  } finally {
    rmSync(tempFile, { force: true });
  }
}

/** An engine error about the temporary file `path`, naming `name` instead (and no uri). */
function renamed(error: unknown, path: string, name: string): unknown {
  if (!(error instanceof EngineError) || !error.message.includes(path)) return error;
  const { uri: _uri, ...data } = error.data ?? {};
  return new EngineError(error.code, error.message.split(path).join(name), data);
}
