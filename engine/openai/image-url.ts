// Turns the `image_url.url` of a chat message into image bytes: base64 data URLs always,
// file URLs only when the server was started with them allowed (they read the server's disk).
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EncodedImage } from './backend';
import { ApiError } from './errors';

export interface ImageUrlPolicy {
  /** Largest decoded image, in bytes. */
  maxImageBytes: number;
  /** Allow file:// URLs. Off by default: a remote caller could otherwise read local files. */
  allowFileUrls?: boolean;
  /** When file URLs are allowed, only files under these folders (all folders if empty). */
  fileRoots?: string[];
}

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),/;

export async function decodeImageUrl(
  url: string,
  policy: ImageUrlPolicy,
  param: string,
): Promise<EncodedImage> {
  if (url.startsWith('data:')) return decodeDataUrl(url, policy, param);
  if (url.startsWith('file:')) return readFileUrl(url, policy, param);
  const scheme = url.slice(0, Math.max(0, url.indexOf(':'))) || '(none)';
  throw new ApiError(
    400,
    'invalid_image_url',
    `${param}: URL scheme '${scheme}' is not accepted; send the image as a data URL (data:image/png;base64,...)`,
    param,
  );
}

function decodeDataUrl(url: string, policy: ImageUrlPolicy, param: string): EncodedImage {
  const header = DATA_URL.exec(url.slice(0, 256));
  const mediaType = header?.[1].toLowerCase() ?? '';
  if (!header || !header[2].split(';').includes('base64') || !mediaType.startsWith('image/'))
    throw new ApiError(
      400,
      'invalid_image_url',
      `${param}: expected a base64 image data URL (data:image/png;base64,...)`,
      param,
    );
  const payload = url.slice(header[0].length);
  // 4 base64 characters carry 3 bytes: refuse before decoding anything oversized.
  if ((payload.length * 3) / 4 > policy.maxImageBytes + 3) throw imageTooLarge(param, policy);
  if (!/^[A-Za-z0-9+/=\r\n]*$/.test(payload))
    throw new ApiError(400, 'invalid_image_url', `${param}: data URL is not valid base64`, param);
  const bytes = Buffer.from(payload, 'base64');
  if (bytes.length === 0)
    throw new ApiError(400, 'invalid_image_url', `${param}: data URL holds no image bytes`, param);
  return { kind: 'encoded', bytes, mediaType };
}

async function readFileUrl(
  url: string,
  policy: ImageUrlPolicy,
  param: string,
): Promise<EncodedImage> {
  if (!policy.allowFileUrls)
    throw new ApiError(
      400,
      'file_urls_disabled',
      `${param}: file URLs are disabled on this server (start it with file URLs allowed, or send a data URL)`,
      param,
    );
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch {
    throw new ApiError(400, 'invalid_image_url', `${param}: not a valid file URL`, param);
  }
  const roots = policy.fileRoots ?? [];
  if (roots.length && !roots.some((root) => isInside(resolve(root), path)))
    throw new ApiError(
      403,
      'file_outside_roots',
      `${param}: ${path} is outside the folders this server may read`,
      param,
    );
  const info = await stat(path).catch(() => null);
  if (!info?.isFile())
    throw new ApiError(400, 'image_not_found', `${param}: no such file: ${path}`, param);
  if (info.size > policy.maxImageBytes) throw imageTooLarge(param, policy);
  const bytes = await readFile(path);
  return { kind: 'encoded', bytes, mediaType: sniffMediaType(bytes) };
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function imageTooLarge(param: string, policy: ImageUrlPolicy): ApiError {
  return new ApiError(
    413,
    'image_too_large',
    `${param}: image too large: over ${policy.maxImageBytes} bytes; downscale it or re-encode it as JPEG`,
    param,
  );
}

/** The media type from the file's magic bytes; sharp reads the rest. */
export function sniffMediaType(bytes: Buffer): string {
  if (bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) return 'image/png';
  if (bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'image/jpeg';
  if (bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP')
    return 'image/webp';
  if (bytes.toString('latin1', 0, 4) === 'GIF8') return 'image/gif';
  return 'application/octet-stream';
}
