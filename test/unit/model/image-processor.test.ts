// The Idefics3 image processor against transformers.js's Idefics3ImageProcessor (the
// oracle): same tile grid, same tile count, same image-token count, for many aspect
// ratios; and identical pixels where no resampling is involved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Idefics3ImageProcessor as OracleProcessor, RawImage } from '@huggingface/transformers';
import {
  Idefics3ImageProcessor,
  type Idefics3PreprocessorConfig,
} from '../../../engine/model/adapters/idefics3/image-processor';
import { expandImageText } from '../../../engine/model/adapters/idefics3/adapter';
import type { RgbImage } from '../../../engine/model/image-input';

const base = {
  do_convert_rgb: true,
  do_image_splitting: true,
  do_normalize: true,
  do_rescale: true,
  do_resize: true,
  image_mean: [0.5, 0.5, 0.5],
  image_std: [0.5, 0.5, 0.5],
  resample: 1,
  rescale_factor: 1 / 255,
};
const TINY: Idefics3PreprocessorConfig = {
  ...base,
  size: { longest_edge: 256 },
  max_image_size: { longest_edge: 64 },
};
const SMOLVLM: Idefics3PreprocessorConfig = {
  ...base,
  size: { longest_edge: 2048 },
  max_image_size: { longest_edge: 512 },
};

/** A deterministic image with structure (so crops in the wrong place would show). */
function pattern(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 7 + y * 3) & 255;
      data[i + 1] = (x * y) & 255;
      data[i + 2] = (x ^ y) & 255;
    }
  return { data, width, height };
}

interface OracleResult {
  pixel_values: { dims: number[]; data: Float32Array };
  rows: number[][];
  cols: number[][];
}

async function oracle(config: Idefics3PreprocessorConfig, image: RgbImage, split?: boolean) {
  const processor = new OracleProcessor(config as never) as unknown as (
    image: RawImage,
    options: object,
  ) => Promise<OracleResult>;
  const raw = new RawImage(new Uint8ClampedArray(image.data), image.width, image.height, 3);
  const r = await processor(raw, { return_row_col_info: true, do_image_splitting: split ?? null });
  return {
    dims: r.pixel_values.dims,
    data: r.pixel_values.data,
    rows: r.rows[0][0],
    cols: r.cols[0][0],
  };
}

const count = (text: string, token: string) => text.split(token).length - 1;

const SIZES: [number, number][] = [
  [100, 100], // square, smaller than a tile
  [640, 480], // 4:3
  [1920, 1080], // 16:9
  [1080, 1920], // 9:16
  [300, 100], // 3:1
  [2000, 60], // very wide
  [40, 1500], // very tall
  [513, 511], // just around a tile
];

// At SmolVLM's 2048 px the oracle is slow, so it gets the extreme ratios only.
for (const [name, config, seqLen, sizes] of [
  ['tiny', TINY, 16, SIZES],
  ['smolvlm', SMOLVLM, 64, [SIZES[2], SIZES[5], SIZES[6]]],
] as const) {
  test(`${name}: tile grid, tile count and image tokens match transformers.js for ${sizes.length} aspect ratios`, async () => {
    const ours = new Idefics3ImageProcessor(config);
    for (const [w, h] of sizes) {
      const image = pattern(w, h);
      const mine = await ours.process(image);
      const theirs = await oracle(config, image);
      const label = `${w}x${h}`;
      assert.equal(mine.rows, theirs.rows, `${label} rows`);
      assert.equal(mine.cols, theirs.cols, `${label} cols`);
      assert.equal(mine.numTiles, theirs.dims[1], `${label} tiles`);
      assert.deepEqual(theirs.dims.slice(2), [3, ours.tileSize, ours.tileSize]);
      assert.equal(mine.pixelValues.length, theirs.data.length, `${label} pixel count`);
      const expectedTokens = (theirs.rows * theirs.cols + 1) * seqLen;
      assert.equal(count(expandImageText(mine.rows, mine.cols, seqLen), '<image>'), expectedTokens);
    }
  });
}

test('very wide and very tall images split along their long side only', async () => {
  const ours = new Idefics3ImageProcessor(SMOLVLM);
  const wide = await ours.process(pattern(2000, 60));
  assert.deepEqual([wide.rows, wide.cols, wide.numTiles], [1, 4, 5]);
  const tall = await ours.process(pattern(40, 1500));
  assert.deepEqual([tall.rows, tall.cols, tall.numTiles], [4, 1, 5]);
});

test('tiles are cut row by row with the same pixels as transformers.js when no resampling happens', async () => {
  // 256x128 is already a multiple of the 64 px tile with longest edge 256: no resize before cutting.
  const image = pattern(256, 128);
  const mine = await new Idefics3ImageProcessor(TINY).process(image);
  const theirs = await oracle(TINY, image);
  assert.deepEqual([mine.rows, mine.cols], [2, 4]);
  const tilesOnly = mine.rows * mine.cols * 3 * 64 * 64;
  let maxDiff = 0;
  for (let i = 0; i < tilesOnly; i++)
    maxDiff = Math.max(maxDiff, Math.abs(mine.pixelValues[i] - theirs.data[i]));
  assert.ok(maxDiff < 1e-6, `tile pixels differ by ${maxDiff}`);
  // The global tile is resampled (lanczos here, bilinear there): close, not equal.
  let globalDiff = 0;
  for (let i = tilesOnly; i < mine.pixelValues.length; i++)
    globalDiff += Math.abs(mine.pixelValues[i] - theirs.data[i]);
  assert.ok(
    globalDiff / (3 * 64 * 64) < 0.25,
    `global tile mean diff ${globalDiff / (3 * 64 * 64)}`,
  );
});

test('video frames: raw RGB in, splitting off per call gives one global tile', async () => {
  const ours = new Idefics3ImageProcessor(TINY);
  const frame = pattern(320, 180);
  const one = await ours.process(frame, { doImageSplitting: false });
  assert.deepEqual([one.rows, one.cols, one.numTiles], [0, 0, 1]);
  const theirs = await oracle(TINY, frame, false);
  assert.equal(theirs.dims[1], 1);
  assert.equal(count(expandImageText(0, 0, 16), '<image>'), 16);
});

test('expanded prompt text follows the HF layout', () => {
  assert.equal(
    expandImageText(1, 2, 2),
    '<fake_token_around_image><row_1_col_1><image><image>' +
      '<fake_token_around_image><row_1_col_2><image><image>\n\n' +
      '<fake_token_around_image><global-img><image><image><fake_token_around_image>',
  );
});

test('bad images get an error that names the problem', async () => {
  const ours = new Idefics3ImageProcessor(TINY);
  await assert.rejects(
    ours.process({ data: new Uint8Array(10), width: 4, height: 4 }),
    /raw RGB image: expected 4x4x3 = 48 bytes, got 10/,
  );
  await assert.rejects(ours.process(Buffer.from('not an image')), /cannot read image buffer/);
  await assert.rejects(
    ours.process('/nonexistent/x.png'),
    /cannot read image file \/nonexistent\/x.png/,
  );
});
