// A thumbnail for every evidence frame: the ones with a signal first (the view shows them
// before "show all"), a few at a time so a long evidence list does not start dozens of
// ffmpeg processes at once.
import type { AnswerEntry, AnswerHistory } from './history';
import { noSignal } from './history';
import { thumbnailDataUri } from '../frames/show';

const PARALLEL = 3;
const END_BACKOFF_SEC = 0.5;

export interface ThumbnailSink {
  thumbnail(askId: string, index: number, dataUri: string): void;
}

export async function addThumbnails(
  history: AnswerHistory,
  view: ThumbnailSink,
  entry: AnswerEntry,
): Promise<void> {
  const stream = history.stream(entry.streamKey);
  const indexes = entry.evidence.map((_e, i) => i);
  // Pasted bytes have no file: the view made their thumbnail; every item shows it.
  if (stream?.kind === 'pasted' && stream.thumbnail) {
    for (const i of indexes) view.thumbnail(entry.id, i, stream.thumbnail);
    return;
  }
  const mediaPath = stream?.mediaPath;
  if (!mediaPath) return;
  const order = [
    ...indexes.filter((i) => !noSignal(entry.evidence[i])),
    ...indexes.filter((i) => noSignal(entry.evidence[i])),
  ];
  const next = async (): Promise<void> => {
    for (let i = order.shift(); i !== undefined; i = order.shift()) {
      // A still image has one frame: its time is 0 whatever the evidence says.
      const at = stream?.kind === 'image' ? 0 : entry.evidence[i].timeSec;
      // Seeking to the last frame's exact time can land past the end of the stream.
      const dataUri =
        (await thumbnailDataUri(mediaPath, at)) ??
        (at > 0 ? await thumbnailDataUri(mediaPath, Math.max(0, at - END_BACKOFF_SEC)) : undefined);
      if (dataUri) view.thumbnail(entry.id, i, dataUri);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, next));
}
