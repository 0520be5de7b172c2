// The OCR models are loaded with their element-wise arithmetic folded into fewer nodes
// (engine/runtime/onnx-graph). These tests pin that the protobuf round trip loses nothing,
// that each pattern is found in the real PP-OCRv4 models, and that the folded models
// compute what the originals do on a real screenshot.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import sharp, { type Region } from 'sharp';
import { defaultOcrModelPaths } from '../../../engine/ocr/models';
import { foldElementwise, foldModel } from '../../../engine/runtime/onnx-graph/fold';
import { readModel, writeModel } from '../../../engine/runtime/onnx-graph/model';

const paths = defaultOcrModelPaths();
const screenshot = join(__dirname, '../../fixtures/screens/posting-command-palette.png');
const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 2, logSeverityLevel: 3 };

/** A region of the screenshot as a normalized BGR CHW tensor of the given size. */
async function tensor(region: Region | undefined, width: number, height: number) {
  let image = sharp(screenshot).removeAlpha();
  if (region) image = image.extract(region);
  const { data } = await image
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const out = new Float32Array(3 * width * height);
  for (let i = 0; i < width * height; i++)
    for (let c = 0; c < 3; c++) out[(2 - c) * width * height + i] = data[i * 3 + c] / 127.5 - 1;
  return new ort.Tensor('float32', out, [1, 3, height, width]);
}

async function outputs(model: Uint8Array, input: ort.Tensor): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, options);
  const result = await session.run({ [session.inputNames[0]]: input });
  await session.release();
  return result[session.outputNames[0]].data as Float32Array;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

test('reading and writing a model without rewriting it gives back the same bytes', () => {
  for (const path of [paths.detection, paths.recognition]) {
    const bytes = readFileSync(path);
    assert.equal(Buffer.compare(Buffer.from(writeModel(readModel(bytes))), bytes), 0, path);
  }
});

test('every fold finds its pattern in both PP-OCRv4 models', () => {
  const recognizer = foldElementwise(readModel(readFileSync(paths.recognition)));
  assert.deepEqual(recognizer, {
    scaleAfterConv: 28,
    hardSwish: 28,
    scaleBeforePointwiseConv: 12,
    scaleAsChannelConv: 13,
  });
  const detector = foldElementwise(readModel(readFileSync(paths.detection)));
  assert.deepEqual(detector, {
    scaleAfterConv: 28,
    hardSwish: 24,
    scaleBeforePointwiseConv: 10,
    scaleAsChannelConv: 10,
  });
});

test('the folded models leave fewer nodes and no unused constants', () => {
  const model = readModel(readFileSync(paths.recognition));
  const before = model.nodes.length;
  foldElementwise(model);
  // A scale-and-shift folded into a Conv drops its Mul, its Add and their two scalars, a
  // hard-swish its Clip, its Div and their scalars 3 and 6; a scale-and-shift made a
  // per-channel Conv trades those four for the Conv and its two constants.
  assert.equal(before - model.nodes.length, (28 + 12) * 4 + 28 * 4 + 13 * 1);
  const used = new Set(model.nodes.flatMap((n) => n.inputs));
  assert.ok(model.nodes.every((n) => n.op !== 'Constant' || used.has(n.outputs[0])));
});

test('the folded detector gives the same probability map on a real screenshot', async () => {
  const input = await tensor(undefined, 960, 544);
  const bytes = readFileSync(paths.detection);
  const difference = maxDifference(
    await outputs(bytes, input),
    await outputs(foldModel(bytes).bytes, input),
  );
  assert.ok(difference < 1e-4, `largest difference ${difference}`);
});

test('the folded recognizer gives the same character probabilities on a real text line', async () => {
  // The palette's first row of text, scaled to the recognizer's 48 px height.
  const input = await tensor({ left: 0, top: 0, width: 640, height: 40 }, 768, 48);
  const bytes = readFileSync(paths.recognition);
  const original = await outputs(bytes, input);
  const folded = await outputs(foldModel(bytes).bytes, input);
  const difference = maxDifference(original, folded);
  assert.ok(difference < 1e-4, `largest difference ${difference}`);
  assert.ok(
    original.some((p) => p > 0.5),
    'the crop holds readable characters',
  );
});
