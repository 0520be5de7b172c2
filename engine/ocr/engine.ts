// OcrEngine: loads the detection and recognition sessions once and reads screenshots with
// them. Sessions are expensive to create, so one engine is shared by every caller; runs
// are queued because each one already uses every core it was given.
import type * as ort from 'onnxruntime-node';
import { detectText, DEFAULT_DETECTION_OPTIONS, type DetectionOptions } from './detection';
import { loadRgbImage } from './image-input';
import {
  createOcrSession,
  defaultOcrModelPaths,
  loadCharacterList,
  resolveSessionSettings,
  type OcrModelPaths,
  type OcrSessionOptions,
  type OcrSessionSettings,
} from './models';
import {
  contextCrop,
  DEFAULT_CONTEXT_REREAD_OPTIONS,
  rereadTargets,
  tokenPart,
  type ContextRereadOptions,
} from './context-reread';
import {
  DEFAULT_RECOGNITION_OPTIONS,
  recognizeCrops,
  recognizeText,
  recognizerColumns,
  type CropMemo,
  type RecognitionOptions,
} from './recognition';
import type { DecodedText } from './ctc';
import { readThroughCache, type RecognitionCache } from './recognition-cache';
import { readingCrop } from './reading-crop';
import { trimOverlaps } from './overlap-trim';
import { tightenBox } from './tight-box';
import { cleanText } from './clean-text';
import type { Box, RgbImage } from './types';

export interface OcrEngineOptions extends OcrSessionOptions {
  /** Images with more pixels are rejected (default 40 M). */
  maxPixels?: number;
  models?: OcrModelPaths;
  detection?: Partial<DetectionOptions>;
  recognition?: Partial<RecognitionOptions>;
  /** Recognized texts below this mean character probability are dropped (PaddleOCR drop_score). */
  minConfidence?: number;
  /**
   * Crops read with less confidence than this are read again from a slightly tighter crop,
   * keeping the more confident reading: the detector's grown boxes sometimes take in
   * enough of the neighbouring row or border to make the recognizer misread a letter.
   * 0 turns it off.
   */
  rereadBelow?: number;
  /**
   * Short tokens (key chords, prompt symbols) read again with part of the word beside
   * them, and ink beside a read text that no box covered (context-reread.ts); false turns
   * it off.
   */
  contextReread?: Partial<ContextRereadOptions> | false;
}

/**
 * A tighter crop's reading replaces the first only when this much more confident. Cutting
 * an eighth of the height off each side sometimes takes a thin stroke at the edge of the
 * ink with it, and the recognizer is then barely more sure of the loss: `Hello _World_`
 * (0.942) against `Hello- _World` (0.953), `= foo.bin` against `三foo.bin` (+0.005 and
 * +0.011). The readings a tighter crop fixes gain more (`Search (Ctrl+F)` +0.05,
 * `profile: Ubuntu` +0.04, a `^O` key chord +0.06 to +0.1), the least of them
 * `sudo netstat-nlp|grep:80` against `sudo netstat -nlpI grep :80` (+0.016, a pipe read
 * as `I`). The gap between the largest loss and the smallest gain is narrow (0.011 to
 * 0.016), so this margin is fragile.
 */
const REREAD_MARGIN = 0.015;

export interface RecognizedText {
  text: string;
  box: Box;
  confidence: number;
}

export interface OcrReadResult {
  width: number;
  height: number;
  texts: RecognizedText[];
  timings: { decodeMs: number; detectMs: number; recognizeMs: number };
}

const now = () => performance.now();

export class OcrEngine {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly detector: ort.InferenceSession,
    private readonly recognizer: ort.InferenceSession,
    private readonly characters: string[],
    private readonly options: OcrEngineOptions,
    readonly settings: OcrSessionSettings,
  ) {}

  static async create(options: OcrEngineOptions = {}): Promise<OcrEngine> {
    const models = options.models ?? defaultOcrModelPaths();
    const settings = resolveSessionSettings(options);
    const [detector, recognizer] = await Promise.all([
      createOcrSession(models.detection, settings),
      createOcrSession(models.recognition, settings),
    ]);
    return new OcrEngine(
      detector,
      recognizer,
      loadCharacterList(models.dictionary),
      options,
      settings,
    );
  }

  get maxPixels(): number | undefined {
    return this.options.maxPixels;
  }

  /**
   * Decodes and reads an image file, buffer or RGB frame. With a `cache`, crops read in
   * earlier calls (the unchanged lines of a recording) are not read again. With a `memo`,
   * crops whose exact input was read before keep that reading, so the result is the one
   * a read without it gives (incremental screenshots).
   */
  async read(
    image: string | Buffer | RgbImage,
    signal?: AbortSignal,
    cache?: RecognitionCache,
    memo?: CropMemo,
  ): Promise<OcrReadResult> {
    const start = now();
    const rgb = isRgbImage(image)
      ? image
      : await loadRgbImage(image, { maxPixels: this.options.maxPixels, signal });
    const decodeMs = now() - start;
    const result = await this.enqueue(() => this.readRgb(rgb, signal, cache, memo));
    return { ...result, timings: { ...result.timings, decodeMs } };
  }

  async release(): Promise<void> {
    await Promise.all([this.detector.release(), this.recognizer.release()]);
  }

  private async rereadUnsure(
    image: RgbImage,
    boxes: Box[],
    decoded: DecodedText[],
    known: (DecodedText | undefined)[],
    signal?: AbortSignal,
    memo?: CropMemo,
  ): Promise<void> {
    const below = this.options.rereadBelow ?? 0.95;
    const recognition = { ...DEFAULT_RECOGNITION_OPTIONS, ...this.options.recognition, memo };
    // Only crops read in one piece: the misreads a tighter crop fixes are in short crops
    // (`^O`, `x = 6;`); rereading long lines cost up to a seventh of recognition on code
    // screenshots and fixed no verified string.
    const maxColumns = recognition.splitColumns || Infinity;
    const unsure = decoded
      .map((d, i) => i)
      .filter((i) => !known[i] && decoded[i].confidence < below && boxes[i].h >= 8)
      .filter((i) => recognizerColumns(boxes[i], recognition.widthScale) <= maxColumns);
    if (!unsure.length) return;
    const tighter = unsure.map((i) => shrink(boxes[i]));
    const again = await recognizeText(
      this.recognizer,
      image,
      tighter,
      this.characters,
      recognition,
      signal,
    );
    unsure.forEach((i, k) => {
      if (again[k].confidence > decoded[i].confidence + REREAD_MARGIN) decoded[i] = again[k];
    });
  }

  /**
   * Reads short tokens again beside their row neighbour. A context reading replaces the
   * token's own only when it keeps what was read and adds to it (`c` -> `^c`): context
   * also misleads (a reverse-video `^W` read beside plain text loses its caret). Ink no
   * box covered becomes a new text when it reads confidently.
   */
  private async readTokensInContext(
    image: RgbImage,
    texts: RecognizedText[],
    signal?: AbortSignal,
    cache?: RecognitionCache,
    memo?: CropMemo,
  ): Promise<RecognizedText[]> {
    if (this.options.contextReread === false) return texts;
    const options = { ...DEFAULT_CONTEXT_REREAD_OPTIONS, ...this.options.contextReread };
    const targets = rereadTargets(image, texts, options);
    if (!targets.length) return texts;
    const crops = targets.map((t) => contextCrop(image, t, texts[t.neighbour].box, options));
    // One crop per run: these readings hang on a character or two, and a batch's padding
    // (grey beyond a crop's right edge) changed the `~` of a prompt into nothing.
    const recognition = {
      ...DEFAULT_RECOGNITION_OPTIONS,
      ...this.options.recognition,
      batchSize: 1,
      memo,
    };
    const { decoded: read, remember } = await readThroughCache(image, crops, cache, (unread) =>
      recognizeCrops(this.recognizer, image, unread, this.characters, recognition, signal),
    );
    remember();
    const minConfidence = this.options.minConfidence ?? 0.5;
    const result = [...texts];
    targets.forEach((target, k) => {
      const part = tokenPart(read[k], target, texts[target.neighbour].box);
      const text = cleanText(part.text);
      if (!text || part.confidence < minConfidence) return;
      if (target.text === undefined) {
        result.push({ text, box: tightenBox(image, target.box), confidence: part.confidence });
        return;
      }
      const own = result[target.text];
      if (text.length > own.text.length && text.includes(own.text))
        result[target.text] = { ...own, text, confidence: part.confidence };
    });
    return result;
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async readRgb(
    image: RgbImage,
    signal?: AbortSignal,
    cache?: RecognitionCache,
    memo?: CropMemo,
  ): Promise<OcrReadResult> {
    signal?.throwIfAborted();
    const t0 = now();
    const detection = { ...DEFAULT_DETECTION_OPTIONS, ...this.options.detection };
    const detected = await detectText(this.detector, image, detection);
    const t1 = now();
    signal?.throwIfAborted();
    const boxes = detected.map((d, _, all) =>
      readingCrop(
        image,
        d.box,
        all.map((o) => o.box),
      ),
    );
    const recognition = { ...DEFAULT_RECOGNITION_OPTIONS, ...this.options.recognition, memo };
    const { decoded, known, remember } = await readThroughCache(image, boxes, cache, (unread) =>
      recognizeText(this.recognizer, image, unread, this.characters, recognition, signal),
    );
    await this.rereadUnsure(image, boxes, decoded, known, signal, memo);
    remember();
    const minConfidence = this.options.minConfidence ?? 0.5;
    const placed = decoded
      .map((d, i) => ({
        text: d.text,
        box: boxes[i],
        confidence: d.confidence,
        characterX: d.characters?.map((c) => c.at),
      }))
      .filter((t) => t.text.trim().length > 0 && t.confidence >= minConfidence)
      .map((t) => ({ ...t, box: tightenBox(image, t.box) }));
    const kept = trimOverlaps(placed)
      .map((t, i) => (t.box === placed[i].box ? t : { ...t, box: tightenBox(image, t.box) }))
      .map(({ text, box, confidence }) => ({ text: cleanText(text), box, confidence }))
      .filter((t) => t.text.length > 0);
    const texts = await this.readTokensInContext(image, kept, signal, cache, memo);
    cache?.endFrame();
    const t2 = now();
    return {
      width: image.width,
      height: image.height,
      texts,
      timings: { decodeMs: 0, detectMs: t1 - t0, recognizeMs: t2 - t1 },
    };
  }
}

/** The box less an eighth of its height on each side (about the detector's margin beyond the ink). */
function shrink(box: Box): Box {
  const m = Math.max(1, Math.round(box.h / 8));
  return {
    x: box.x + m,
    y: box.y + m,
    w: Math.max(4, box.w - 2 * m),
    h: Math.max(4, box.h - 2 * m),
  };
}

function isRgbImage(value: unknown): value is RgbImage {
  return typeof value === 'object' && value !== null && 'rgb' in value && 'width' in value;
}
