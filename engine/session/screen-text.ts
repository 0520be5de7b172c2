// The on-screen text of a stream: each encoded frame is read once (OCR) as it is encoded.
// The same reading gives the block its text (retrieval and evidence) and the stream's
// text index (search, with boxes). The index is saved beside a saved stream, so a reopened
// stream is searchable without reading its frames again.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWrite } from '../cache/block-store';
import { sharedOcrEngine } from '../ocr/analyze';
import { RecognitionCache } from '../ocr/recognition-cache';
import { TextIndex } from '../ocr/text-index';
import type { RecognizedText } from '../ocr/engine';
import type { VideoFrame } from '../stream';

const FILE = 'screen-text.json';

export class ScreenText {
  index = new TextIndex();
  /** Crops identical to ones read in an earlier frame are not read again. */
  private readonly crops = new RecognitionCache();

  /** `onRead` sees each frame with its lines (the timeline records them). */
  constructor(private readonly onRead?: (frame: VideoFrame, texts: RecognizedText[]) => void) {}

  /** The openStream frameText hook: reads a frame, indexes it, returns its lines joined. */
  readonly read = async (frame: VideoFrame, signal?: AbortSignal): Promise<string> => {
    const engine = await sharedOcrEngine();
    const image = { width: frame.width, height: frame.height, rgb: frame.rgb };
    const result = await engine.read(image, signal, this.crops);
    this.index.addFrame(frame, result.texts);
    this.onRead?.(frame, result.texts);
    return result.texts.map((t) => t.text).join(' | ');
  };

  save(persistDir: string): void {
    atomicWrite(join(persistDir, FILE), Buffer.from(JSON.stringify(this.index)));
  }

  /** Loads the index saved with a stream; false when there is none or it is unreadable. */
  load(persistDir: string): boolean {
    const path = join(persistDir, FILE);
    if (!existsSync(path)) return false;
    try {
      this.index = TextIndex.fromJSON(JSON.parse(readFileSync(path, 'utf8')));
      return true;
    } catch {
      return false;
    }
  }
}
