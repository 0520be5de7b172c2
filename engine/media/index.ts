// TEMPORARY stub until the media-kind module lands.
export type MediaKind = 'image' | 'video';
export async function detectMediaKind(path: string): Promise<MediaKind> {
  return /\.(png|jpe?g|webp|bmp|tiff?)$/i.test(path) ? 'image' : 'video';
}
export const IMAGE_EXTENSIONS = [
  '.png',
  '.jpg',
  '.jpeg',
  '.webp',
  '.bmp',
  '.tif',
  '.tiff',
  '.gif',
  '.apng',
] as const;
export const VIDEO_EXTENSIONS = [
  '.mp4',
  '.webm',
  '.mov',
  '.mkv',
  '.avi',
  '.m4v',
  '.gif',
  '.apng',
  '.webp',
] as const;
export const MEDIA_EXTENSIONS = [...new Set([...IMAGE_EXTENSIONS, ...VIDEO_EXTENSIONS])];
export function isMediaPath(path: string): boolean {
  const dot = path.lastIndexOf('.');
  return (
    dot >= 0 && (MEDIA_EXTENSIONS as readonly string[]).includes(path.slice(dot).toLowerCase())
  );
}
