// Media kinds: whether a file is a still image or a video (from its bytes), and the file
// extensions pickers and link detection offer.
export { detectMediaKind, type MediaKind } from './kind';
export { IMAGE_EXTENSIONS, VIDEO_EXTENSIONS, MEDIA_EXTENSIONS, isMediaPath } from './extensions';
