// Turns the `image_url.url` of a chat message into image bytes: base64 data URLs always,
// file URLs only when the server was started with them allowed (they read the server's disk).
import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkInputFile, checkMediaFile } from '../session/validate';
import type { ChatVideo, EncodedImage } from './backend';
import { ApiError } from './errors';
import { inputApiError } from './input-error';

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
  if (url.startsWith('data:')) return decodeDataUrl(url, policy, param, 'image');
  if (url.startsWith('file:')) return readFileUrl(url, policy, param);
  const scheme = url.slice(0, Math.max(0, url.indexOf(':'))) || '(none)';
  throw new ApiError(
    400,
    'invalid_image_url',
    `${param}: URL scheme '${scheme}' is not accepted; send the image as a data URL (data:image/png;base64,...)`,
    param,
  );
}

/** A `video_url`: a file URL the server may read (opened in place), or a base64 data URL. */
export async function decodeVideoUrl(
  url: string,
  policy: ImageUrlPolicy,
  param: string,
): Promise<ChatVideo> {
  if (url.startsWith('data:')) return decodeDataUrl(url, policy, param, 'video');
  if (url.startsWith('file:'))
    return {
      kind: 'file',
      path: (await allowedFile(url, policy, param)).path,
      param: partParam(param),
    };
  throw new ApiError(
    400,
    'invalid_video_url',
    `${param}: send the video as a file URL (on a server started with file URLs allowed) or a data URL (data:video/mp4;base64,...)`,
    param,
  );
}

function decodeDataUrl(
  url: string,
  policy: ImageUrlPolicy,
  param: string,
  kind: 'image' | 'video',
): EncodedImage {
  const header = DATA_URL.exec(url.slice(0, 256));
  const mediaType = header?.[1].toLowerCase() ?? '';
  const accepted =
    kind === 'image' ? ['image/'] : ['video/', 'image/gif', 'image/webp', 'image/apng'];
  if (
    !header ||
    !header[2].split(';').includes('base64') ||
    !accepted.some((t) => mediaType.startsWith(t))
  )
    throw new ApiError(
      400,
      `invalid_${kind}_url`,
      `${param}: expected a base64 ${kind} data URL (data:${kind === 'image' ? 'image/png' : 'video/mp4'};base64,...)`,
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
  return { kind: 'encoded', bytes, mediaType, param: partParam(param) };
}

/** `messages[0].content[1].image_url` for the URL's `messages[0].content[1].image_url.url`. */
function partParam(param: string): string {
  return param.replace(/\.url$/, '');
}

async function readFileUrl(
  url: string,
  policy: ImageUrlPolicy,
  param: string,
): Promise<EncodedImage> {
  const { path, size } = await allowedFile(url, policy, param);
  if (size > policy.maxImageBytes) throw imageTooLarge(param, policy);
  const bytes = await readFile(path);
  return {
    kind: 'encoded',
    bytes,
    mediaType: sniffMediaType(bytes),
    path,
    param: partParam(param),
  };
}

/**
 * The file a file URL names, when this server may read it: file URLs allowed, inside the
 * allowed folders once links are followed (a link inside a folder may point anywhere, so
 * the check is on the real path), then the engine's one input check (a non-empty regular
 * file holding an image or video within the limits), whose message names the problem.
 */
async function allowedFile(
  url: string,
  policy: ImageUrlPolicy,
  param: string,
): Promise<{ path: string; size: number }> {
  if (!policy.allowFileUrls)
    throw new ApiError(
      400,
      'file_urls_disabled',
      `${param}: file URLs are disabled on this server (start it with file URLs allowed, or send a data URL)`,
      param,
    );
  let named: string;
  try {
    named = fileURLToPath(url);
  } catch {
    throw new ApiError(400, 'invalid_image_url', `${param}: not a valid file URL`, param);
  }
  const roots = policy.fileRoots ?? [];
  const outside = () =>
    new ApiError(
      403,
      'file_outside_roots',
      `${param}: ${named} is outside the folders this server may read`,
      param,
    );
  if (roots.length && !roots.some((root) => isInside(resolve(root), named))) throw outside();
  const bad = (error: unknown, real = named) =>
    inputApiError(error, partParam(param), { from: real, to: named }) ??
    new ApiError(400, 'image_not_found', `${param}: cannot read ${named}`, param);
  const path = await realpath(named).catch(() => null);
  if (!path) {
    // Missing, a link loop, a part of the path not a folder: the input check says which.
    await checkInputFile(named).catch((error: unknown) => Promise.reject(bad(error)));
    throw new ApiError(400, 'image_not_found', `${param}: no such file: ${named}`, param);
  }
  const realRoots = await Promise.all(
    roots.map((root) => realpath(resolve(root)).catch(() => resolve(root))),
  );
  if (realRoots.length && !realRoots.some((root) => isInside(root, path))) throw outside();
  await checkMediaFile(path).catch((error: unknown) => Promise.reject(bad(error, path)));
  const info = await stat(path).catch((error: unknown) => Promise.reject(bad(error, path)));
  return { path, size: info.size };
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
