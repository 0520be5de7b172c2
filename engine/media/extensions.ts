// File-name extensions of the media the engine reads, for file pickers and link detection
// only: whether a file is a still image or a video is decided from its bytes
// (detectMediaKind in ./kind), never from these lists. No imports, so the browser-side
// extension client can bundle this file as it is.

/**
 * Extensions that may hold a still image. GIF, APNG and WebP are in both lists: the same
 * extension holds a still or an animation, and only the content tells which.
 */
export const IMAGE_EXTENSIONS: readonly string[] = Object.freeze([
  '.png',
  '.apng',
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.webp',
  '.gif',
  '.bmp',
  '.dib',
  '.tif',
  '.tiff',
]);

/**
 * Extensions that may hold a video. `.ts` and `.mts` (MPEG transport streams) are left
 * out on purpose: in an editor they are TypeScript sources far more often than videos.
 */
export const VIDEO_EXTENSIONS: readonly string[] = Object.freeze([
  '.mp4',
  '.m4v',
  '.mov',
  '.qt',
  '.mkv',
  '.webm',
  '.avi',
  '.m2ts',
  '.mpg',
  '.mpeg',
  '.flv',
  '.wmv',
  '.3gp',
  '.ogv',
  '.gif',
  '.apng',
  '.webp',
]);

/** Every extension in either list, once. */
export const MEDIA_EXTENSIONS: readonly string[] = Object.freeze([
  ...new Set([...IMAGE_EXTENSIONS, ...VIDEO_EXTENSIONS]),
]);

/**
 * The lowercased extension of the last path segment (`/` or `\` separated), with its dot;
 * '' when there is none. Like node's path.extname, a leading dot alone (`.mp4`, a hidden
 * file) is not an extension.
 */
function extensionOf(path: string): string {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/** True when the path's extension is one of MEDIA_EXTENSIONS (any case). Never decides the kind. */
export function isMediaPath(path: string): boolean {
  return MEDIA_EXTENSIONS.includes(extensionOf(path));
}
