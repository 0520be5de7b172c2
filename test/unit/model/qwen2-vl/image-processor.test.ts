// The Qwen2-VL image processor: smart_resize's exact sizes (Python rounding included), the
// patch order the vision encoder reads, the temporal padding of single images and odd
// videos, normalisation, and the flattened pixels against transformers.js's
// Qwen2VLImageProcessor where no resampling is involved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Qwen2VLImageProcessor as OracleProcessor, RawImage } from '@huggingface/transformers';
import {
  Qwen2VLImageProcessor,
  QWEN2_VL_DEFAULTS,
  flattenPatches,
  roundHalfEven,
  smartResize,
} from '../../../../engine/model/adapters/qwen2-vl/image-processor';
import type { RgbImage } from '../../../../engine/model/image-input';

/** preprocessor_config.json of Qwen/Qwen2-VL-2B(-Instruct). */
const QWEN2_VL_2B = {
  min_pixels: 3136,
  max_pixels: 12845056,
  patch_size: 14,
  temporal_patch_size: 2,
  merge_size: 2,
  image_mean: [0.48145466, 0.4578275, 0.40821073],
  image_std: [0.26862954, 0.26130258, 0.27577711],
};
const BOUNDS_2B = { minPixels: 3136, maxPixels: 12845056 };

test("roundHalfEven rounds like Python's round()", () => {
  assert.deepEqual(
    [0.5, 1.5, 2.5, 3.5, 4.5, 2.4999, 2.5001, 7].map(roundHalfEven),
    [0, 2, 2, 4, 4, 2, 3, 7],
  );
});

test('smart_resize sizes, computed from the reference formula', () => {
  // [width, height, bounds] -> [width, height]; the numbers were worked out by hand from
  // transformers' smart_resize (factor 28) and checked with Python.
  const cases: [number, number, { minPixels: number; maxPixels: number }, number, number][] = [
    // Rounded to the nearest multiple of 28, within bounds.
    [640, 480, BOUNDS_2B, 644, 476],
    [1920, 1080, BOUNDS_2B, 1932, 1092],
    [56, 56, BOUNDS_2B, 56, 56],
    // Too many pixels for transformers' default max (28*28*1280): scaled down and floored.
    [1920, 1080, { minPixels: 3136, maxPixels: 1003520 }, 1316, 728],
    [5000, 4000, BOUNDS_2B, 4004, 3192],
    // 4K stays within Qwen2-VL-2B's max_pixels (12845056): only rounded.
    [3840, 2160, BOUNDS_2B, 3836, 2156],
    // Too few pixels: scaled up and ceiled.
    [30, 40, BOUNDS_2B, 56, 84],
    // Halves round to even, as Python does: 70 / 28 = 2.5 -> 2, 126 / 28 = 4.5 -> 4,
    // 98 / 28 = 3.5 -> 4 (transformers.js's Math.round gives 84, 140 and 112).
    [70, 70, BOUNDS_2B, 56, 56],
    [126, 98, BOUNDS_2B, 112, 112],
    // A side under 28 is first scaled up to 28.
    [20, 600, BOUNDS_2B, 28, 840],
  ];
  for (const [w, h, bounds, ew, eh] of cases)
    assert.deepEqual(smartResize(w, h, bounds), { width: ew, height: eh }, `${w}x${h}`);
  assert.throws(() => smartResize(10000, 30), /aspect ratio must be at most 200/);
});

test('smart_resize keeps multiples of 28 and the pixel bounds on a sweep', () => {
  for (let w = 28; w <= 3000; w += 97)
    for (let h = 28; h <= 3000; h += 89) {
      const r = smartResize(w, h, { minPixels: 3136, maxPixels: 1003520 });
      assert.equal(r.width % 28, 0);
      assert.equal(r.height % 28, 0);
      assert.ok(r.width * r.height <= 1003520 && r.width * r.height >= 3136, `${w}x${h}`);
    }
});

/** Frame f's value at channel c, pixel (x, y): unique per coordinate. */
const code = (f: number, c: number, y: number, x: number) => f * 1e6 + c * 1e5 + y * 1e3 + x;

function codedFrame(f: number, width: number, height: number): Float32Array {
  const out = new Float32Array(3 * width * height);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) out[(c * height + y) * width + x] = code(f, c, y, x);
  return out;
}

test('patch rows are (t, merged row, merged col, 2x2) and columns (channel, frame, y, x)', () => {
  const width = 84; // 6 patches, 3 merged columns
  const height = 56; // 4 patches, 2 merged rows
  const opts = { patchSize: 14, temporalPatchSize: 2, mergeSize: 2 };
  const frames = [0, 1, 2, 3].map((f) => codedFrame(f, width, height));
  const { pixelValues, grid, patchDim } = flattenPatches(frames, width, height, opts);
  assert.deepEqual(grid, { t: 2, h: 4, w: 6 });
  assert.equal(patchDim, 1176);
  assert.equal(pixelValues.length, 2 * 4 * 6 * 1176);
  for (let row = 0; row < 48; row++) {
    // Decode the row index: t, merged row bh, merged col bw, then the 2x2 position.
    const mw = row % 2;
    const mh = Math.floor(row / 2) % 2;
    const bw = Math.floor(row / 4) % 3;
    const bh = Math.floor(row / 12) % 2;
    const t = Math.floor(row / 24);
    for (const col of [0, 13, 14, 195, 196, 391, 392, 700, 1175]) {
      const px = col % 14;
      const py = Math.floor(col / 14) % 14;
      const tp = Math.floor(col / 196) % 2;
      const c = Math.floor(col / 392);
      const y = (bh * 2 + mh) * 14 + py;
      const x = (bw * 2 + mw) * 14 + px;
      assert.equal(
        pixelValues[row * 1176 + col],
        code(t * 2 + tp, c, y, x),
        `row ${row} col ${col}`,
      );
    }
  }
});

test('one image fills the temporal patch with itself; an odd video repeats its last frame', () => {
  const opts = { patchSize: 14, temporalPatchSize: 2, mergeSize: 2 };
  const one = flattenPatches([codedFrame(0, 28, 28)], 28, 28, opts);
  assert.deepEqual(one.grid, { t: 1, h: 2, w: 2 });
  for (let row = 0; row < 4; row++)
    for (let c = 0; c < 3; c++) {
      const base = row * 1176 + c * 392;
      assert.deepEqual(
        one.pixelValues.subarray(base, base + 196),
        one.pixelValues.subarray(base + 196, base + 392),
      );
    }
  const three = flattenPatches(
    [0, 1, 2].map((f) => codedFrame(f, 28, 28)),
    28,
    28,
    opts,
  );
  assert.deepEqual(three.grid, { t: 2, h: 2, w: 2 });
  // Second temporal patch, frame slot 1 of channel 0, first value: frame 2 again.
  assert.equal(three.pixelValues[4 * 1176 + 196], code(2, 0, 0, 0));
  assert.throws(
    () => flattenPatches([codedFrame(0, 42, 28)], 42, 28, opts),
    /not a multiple of 28/,
  );
});

function pattern(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 7 + y * 3) % 256;
      data[i + 1] = (x * y) % 256;
      data[i + 2] = (255 - x * 5) & 255;
    }
  return { data, width, height };
}

test('process(): smart_resize size, grid, normalisation of a flat colour', async () => {
  const processor = new Qwen2VLImageProcessor(QWEN2_VL_2B);
  const width = 100;
  const height = 60;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set([255, 0, 128], i * 3);
  const out = await processor.process({ data, width, height });
  // 100 / 28 = 3.57 -> 112, 60 / 28 = 2.14 -> 56.
  assert.deepEqual([out.width, out.height], [112, 56]);
  assert.deepEqual(out.grid, { t: 1, h: 4, w: 8 });
  assert.equal(out.numPatches, 32);
  assert.equal(out.pixelValues.length, 32 * 1176);
  const expected = [255, 0, 128].map(
    (v, c) => (v / 255 - QWEN2_VL_DEFAULTS.mean[c]) / QWEN2_VL_DEFAULTS.std[c],
  );
  for (let row = 0; row < 32; row++)
    for (let c = 0; c < 3; c++)
      for (const k of [0, 195, 196, 391]) {
        const v = out.pixelValues[row * 1176 + c * 392 + k];
        assert.ok(Math.abs(v - expected[c]) < 1e-5, `row ${row} channel ${c}: ${v}`);
      }
  assert.deepEqual(out.originalSize, { width, height });
});

test('config errors name the field', () => {
  assert.throws(
    () => new Qwen2VLImageProcessor({ patch_size: 0 }),
    /patch_size is 0, expected a positive integer/,
  );
  assert.throws(
    () => new Qwen2VLImageProcessor({ min_pixels: 5000, max_pixels: 4000 }),
    /min_pixels 5000 is larger than max_pixels 4000/,
  );
  const fromSize = new Qwen2VLImageProcessor({
    size: { shortest_edge: 100, longest_edge: 200000 },
  });
  assert.deepEqual([fromSize.minPixels, fromSize.maxPixels], [100, 200000]);
});

interface OracleResult {
  pixel_values: { dims: number[]; data: Float32Array };
  image_grid_thw: { data: BigInt64Array };
}

test('same pixel_values and image_grid_thw as transformers.js when no resize is needed', async () => {
  const oracle = new OracleProcessor({
    ...QWEN2_VL_2B,
    do_resize: true,
    do_rescale: true,
    do_normalize: true,
    do_convert_rgb: true,
    rescale_factor: 1 / 255,
    resample: 3,
  } as never) as unknown as (image: RawImage) => Promise<OracleResult>;
  const ours = new Qwen2VLImageProcessor(QWEN2_VL_2B);
  for (const [width, height] of [
    [84, 56],
    [56, 140],
  ]) {
    const image = pattern(width, height);
    const expected = await oracle(
      new RawImage(new Uint8ClampedArray(image.data), width, height, 3),
    );
    const got = await ours.process(image);
    assert.deepEqual(Array.from(expected.image_grid_thw.data, Number), [
      got.grid.t,
      got.grid.h,
      got.grid.w,
    ]);
    assert.deepEqual(expected.pixel_values.dims, [got.numPatches, got.patchDim]);
    const want = expected.pixel_values.data;
    let diff = 0;
    for (let i = 0; i < want.length; i++)
      diff = Math.max(diff, Math.abs(want[i] - got.pixelValues[i]));
    assert.ok(diff < 1e-5, `${width}x${height}: max difference ${diff}`);
  }
});
