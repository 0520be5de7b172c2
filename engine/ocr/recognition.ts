// Text recognition: each detected box is cropped from the full-resolution screenshot,
// scaled to the recognizer's 48 px height, and read by the PP-OCRv4 CRNN, one crop per run
// by default (batches of similar widths with batchSize > 1). Long lines are read in
// pieces cut between words (line-split.ts).
import * as ort from 'onnxruntime-node';
import { ctcGreedyDecode, type DecodedText } from './ctc';
import { splitAtGaps } from './line-split';
import type { Box, RgbImage } from './types';

const LINE_HEIGHT = 48;
/** Widest crop fed to the recognizer; longer lines are squeezed (rare on screens). */
const MAX_WIDTH = 48 * 40;
/** Crops whose recognizer widths round up to the same multiple of this share a batch. */
const WIDTH_BUCKET = 16;

export interface RecognitionOptions {
  /** Crops per batch. */
  batchSize: number;
  /**
   * Horizontal scale of crops relative to their aspect ratio. The recognizer's cost grows
   * with crop width; screen fonts stay legible to it when squeezed a little.
   */
  widthScale: number;
  /**
   * Lines wider than this many recognizer columns are read in pieces cut at the blank gaps
   * between words (see line-split.ts); 0 reads every line whole.
   */
  splitColumns: number;
  /**
   * Readings of crops read before, keyed by the crop's exact input (incremental
   * screenshots, engine/screen/session): a crop found here is not read again.
   */
  memo?: CropMemo;
}

/**
 * A store of earlier readings. A reading depends only on the crop's pixels, its box and
 * the padded width (`stride`) of the batch it ran in, so those are the key: a crop read
 * again from the same input gives the same reading to the last bit.
 */
export interface CropMemo {
  lookup(image: RgbImage, box: Box, width: number, stride: number): DecodedText | undefined;
  store(image: RgbImage, box: Box, width: number, stride: number, read: DecodedText): void;
}

// Batches of up to 8 crops of near-equal width (16-column buckets). Each run pays a fixed
// cost for waking the intra-op threads (no spinning), which dominates narrow crops: one
// 64-column crop takes 9.1 ms alone and 3.1 ms in a batch of 8 (2 threads). On 1280x720
// screenshots that took 740 -> 651 ms wall and 1158 -> 1079 ms CPU. Wider buckets were a
// little faster (32 columns: 616 ms) but the padding changed two readings on the real
// screenshots. Lines over 384 columns are read in pieces: on the 9 real screenshots that
// read two more verified strings (the backticks around `x` in
// vscode-problems-immutable-variable.png, misread as ^x^ within the whole line) and took
// about a tenth off recognition.
export const DEFAULT_RECOGNITION_OPTIONS: RecognitionOptions = {
  batchSize: 8,
  widthScale: 1,
  splitColumns: 384,
};

/** How many columns wide the recognizer reads a box (before any split into pieces). */
export function recognizerColumns(box: Box, widthScale: number): number {
  return Math.ceil((box.w * LINE_HEIGHT * widthScale) / box.h);
}

function cropWidth(box: Box, widthScale: number): number {
  return Math.min(MAX_WIDTH, Math.max(8, recognizerColumns(box, widthScale)));
}

/**
 * Writes a box of `image`, bilinearly scaled to LINE_HEIGHT x `width`, into `out` as CHW
 * floats normalized to [-1, 1] (PaddleOCR's (x/255 - 0.5) / 0.5), at row stride `stride`.
 */
function writeCrop(
  image: RgbImage,
  box: Box,
  width: number,
  out: Float32Array,
  base: number,
  stride: number,
) {
  const plane = LINE_HEIGHT * stride;
  const sx = box.w / width;
  const sy = box.h / LINE_HEIGHT;
  const maxX = image.width - 1;
  const maxY = image.height - 1;
  for (let y = 0; y < LINE_HEIGHT; y++) {
    const fy = Math.min(maxY, Math.max(0, box.y + (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(maxY, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(maxX, Math.max(0, box.x + (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(maxX, x0 + 1);
      const wx = fx - x0;
      const a = (y0 * image.width + x0) * 3;
      const b = (y0 * image.width + x1) * 3;
      const c = (y1 * image.width + x0) * 3;
      const d = (y1 * image.width + x1) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = image.rgb[a + ch] * (1 - wx) + image.rgb[b + ch] * wx;
        const bottom = image.rgb[c + ch] * (1 - wx) + image.rgb[d + ch] * wx;
        // The recognizer was trained on BGR input, like the detector.
        out[base + (2 - ch) * plane + y * stride + x] = (top * (1 - wy) + bottom * wy) / 127.5 - 1;
      }
    }
  }
}

async function recognizeBatch(
  session: ort.InferenceSession,
  image: RgbImage,
  boxes: Box[],
  characters: string[],
  widthScale: number,
  stride = batchStride(boxes.map((box) => cropWidth(box, widthScale))),
): Promise<DecodedText[]> {
  const widths = boxes.map((box) => cropWidth(box, widthScale));
  const perImage = 3 * LINE_HEIGHT * stride;
  // Padding stays 0, which is mid-grey after normalization, as in PaddleOCR.
  const data = new Float32Array(boxes.length * perImage);
  boxes.forEach((box, i) => writeCrop(image, box, widths[i], data, i * perImage, stride));
  const input = new ort.Tensor('float32', data, [boxes.length, 3, LINE_HEIGHT, stride]);
  const output = await session.run({ [session.inputNames[0]]: input });
  const probs = output[session.outputNames[0]];
  const [, steps, classes] = probs.dims;
  const values = probs.data as Float32Array;
  const decoded = boxes.map((box, i) => {
    const read = ctcGreedyDecode(values, i * steps * classes, steps, classes, characters);
    // Fraction of the padded input -> image x: the crop fills `widths[i]` of `stride` columns.
    const toImageX = (at: number) => box.x + ((at * stride) / widths[i]) * box.w;
    read.characters = read.characters?.map((c) => ({ at: toImageX(c.at), p: c.p }));
    return read;
  });
  input.dispose?.();
  probs.dispose?.();
  return decoded;
}

/** The padded width a batch runs at: its widest crop, rounded up to a multiple of 8. */
function batchStride(widths: number[]): number {
  return Math.ceil(Math.max(...widths) / 8) * 8;
}

/**
 * Groups crops into batches of at most `batchSize` whose widths fall in the same
 * WIDTH_BUCKET-pixel bucket. The recognizer's cost grows faster than linearly with width
 * (its SVTR neck attends across the whole line), so padding a short crop to a long one's
 * width costs more than a batch saves; only near-equal widths share a run.
 */
export function widthBatches(widths: number[], batchSize: number): number[][] {
  const order = widths.map((_, i) => i).sort((a, b) => widths[a] - widths[b]);
  const batches: number[][] = [];
  for (const i of order) {
    const last = batches[batches.length - 1];
    const bucket = (w: number) => Math.ceil(w / WIDTH_BUCKET);
    if (last && last.length < batchSize && bucket(widths[last[0]]) === bucket(widths[i]))
      last.push(i);
    else batches.push([i]);
  }
  return batches;
}

/** Joins the readings of one line's pieces; confidence is the mean over their characters. */
function joinPieces(pieces: DecodedText[]): DecodedText {
  if (pieces.length === 1) return pieces[0];
  // A piece's reading may end in a space (half the cut gap); the join adds one.
  const read = pieces.map((p) => ({ ...p, text: p.text.trim() })).filter((p) => p.text.length > 0);
  const characters = read.reduce((n, p) => n + p.text.length, 0);
  const confidence = read.reduce((sum, p) => sum + p.confidence * p.text.length, 0);
  return {
    text: read.map((p) => p.text).join(' '),
    confidence: characters ? confidence / characters : 0,
  };
}

/** Reads the text in each box; results are in the order of `boxes`. */
export async function recognizeText(
  session: ort.InferenceSession,
  image: RgbImage,
  boxes: Box[],
  characters: string[],
  options: RecognitionOptions = DEFAULT_RECOGNITION_OPTIONS,
  signal?: AbortSignal,
): Promise<DecodedText[]> {
  const split = {
    maxColumns: options.splitColumns / options.widthScale,
    lineHeight: LINE_HEIGHT,
    widestColumns: MAX_WIDTH / options.widthScale,
  };
  const pieces = boxes.map((box) => splitAtGaps(image, box, split));
  const read = await recognizeCrops(session, image, pieces.flat(), characters, options, signal);
  let next = 0;
  return pieces.map((p) => joinPieces(read.slice(next, (next += p.length))));
}

/** Reads each box whole, without cutting long lines into pieces. */
export async function recognizeCrops(
  session: ort.InferenceSession,
  image: RgbImage,
  boxes: Box[],
  characters: string[],
  options: RecognitionOptions = DEFAULT_RECOGNITION_OPTIONS,
  signal?: AbortSignal,
): Promise<DecodedText[]> {
  const widths = boxes.map((box) => cropWidth(box, options.widthScale));
  const results: DecodedText[] = new Array(boxes.length);
  for (const batch of widthBatches(widths, options.batchSize)) {
    signal?.throwIfAborted();
    // Crops the memo knows keep their reading; the others run padded to the stride the
    // whole batch would have had, so their readings equal those of the whole batch.
    const stride = batchStride(batch.map((i) => widths[i]));
    const memo = options.memo;
    const unread = memo
      ? batch.filter((i) => {
          results[i] = memo.lookup(image, boxes[i], widths[i], stride)!;
          return !results[i];
        })
      : batch;
    if (!unread.length) continue;
    const decoded = await recognizeBatch(
      session,
      image,
      unread.map((i) => boxes[i]),
      characters,
      options.widthScale,
      stride,
    );
    unread.forEach((i, k) => {
      results[i] = decoded[k];
      memo?.store(image, boxes[i], widths[i], stride, decoded[k]);
    });
  }
  return results;
}
