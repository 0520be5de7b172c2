// Thumbnails of a stream's frames for the answers view. Showing a frame full size is the
// video view's job (client/video-view/), which seeks the video itself rather than opening
// an extracted JPEG in an editor.
import { extractFrame, findFfmpeg } from './ffmpeg';
import { readSettings } from '../settings/read';

/** A small JPEG of the frame as a data: URI, or undefined when it cannot be extracted. */
export async function thumbnailDataUri(
  mediaPath: string,
  timeSec: number,
): Promise<string | undefined> {
  try {
    const { settings } = readSettings();
    const jpeg = await extractFrame({
      ffmpeg: findFfmpeg(settings.ffmpegPath),
      video: mediaPath,
      timeSec,
      width: 192,
    });
    return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
  } catch {
    return undefined;
  }
}
