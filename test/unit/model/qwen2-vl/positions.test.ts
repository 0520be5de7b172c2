// Qwen2-VL position ids against hand-computed examples of transformers' get_rope_index
// logic, and against transformers.js's Qwen2VLForConditionalGeneration.get_rope_index
// (an implementation nobody here wrote) on mixed prompts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Qwen2VLForConditionalGeneration, Tensor } from '@huggingface/transformers';
import {
  MropeCursor,
  concatPositions,
  maxPosition,
  ropeIndex,
  textPositions,
  toPositionIdsData,
  visionExtent,
  visionPositions,
  visionTokenCount,
  type GridThw,
  type MropePositions,
} from '../../../../engine/model/adapters/qwen2-vl/positions';

// Token ids from Qwen2-VL-2B-Instruct's config.json.
const VS = 151652;
const VE = 151653;
const IMG = 151655;
const VID = 151656;
const TOKENS = { imageTokenId: IMG, videoTokenId: VID, visionStartTokenId: VS };

function rows(p: MropePositions): number[][] {
  return [0, 1, 2].map((r) => Array.from(p.ids.subarray(r * p.length, (r + 1) * p.length)));
}

const pads = (id: number, n: number) => Array.from({ length: n }, () => id);

test('text only: the 1-D positions repeated in all three rows, ropeDelta 0', () => {
  const { positions, ropeDelta } = ropeIndex([10, 11, 12, 13, 14], TOKENS);
  assert.deepEqual(rows(positions), [
    [0, 1, 2, 3, 4],
    [0, 1, 2, 3, 4],
    [0, 1, 2, 3, 4],
  ]);
  assert.equal(ropeDelta, 0);
});

test('one image, grid_thw 1x4x6 (merged 1x2x3): offset by the text before it', () => {
  // T T <vs> 6 x <image_pad> <ve> T T
  const ids = [10, 11, VS, ...pads(IMG, 6), VE, 12, 13];
  const { positions, ropeDelta } = ropeIndex(ids, TOKENS, [{ t: 1, h: 4, w: 6 }]);
  assert.deepEqual(rows(positions), [
    [0, 1, 2, 3, 3, 3, 3, 3, 3, 6, 7, 8],
    [0, 1, 2, 3, 3, 3, 4, 4, 4, 6, 7, 8],
    [0, 1, 2, 3, 4, 5, 3, 4, 5, 6, 7, 8],
  ]);
  // 12 tokens, largest position 8.
  assert.equal(ropeDelta, 8 + 1 - 12);
});

test('an image of merged grid 4x6 takes 24 tokens but only 6 positions', () => {
  const grid = { t: 1, h: 8, w: 12 };
  assert.equal(visionTokenCount(grid), 24);
  assert.equal(visionExtent(grid), 6);
  const ids = [VS, ...pads(IMG, 24), VE];
  const { positions } = ropeIndex(ids, TOKENS, [grid]);
  assert.equal(positions.length, 26);
  // <vs> at 0, the image spans 1..6 in width and 1..4 in height, <ve> at 1 + 6 = 7.
  assert.deepEqual(
    rows(positions).map((r) => r[25]),
    [7, 7, 7],
  );
  assert.equal(maxPosition(positions), 7);
});

test('a video with t = 2 (four frames, grid 2x4x4): temporal patches 0 and 1', () => {
  const ids = [10, VS, ...pads(VID, 8), VE, 11];
  const { positions, ropeDelta } = ropeIndex(ids, TOKENS, [], [{ t: 2, h: 4, w: 4 }]);
  assert.deepEqual(rows(positions), [
    [0, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 5],
    [0, 1, 2, 2, 3, 3, 2, 2, 3, 3, 4, 5],
    [0, 1, 2, 3, 2, 3, 2, 3, 2, 3, 4, 5],
  ]);
  assert.equal(ropeDelta, 5 + 1 - 12);
});

test('a long thin video: the temporal extent decides where the next text starts', () => {
  const ids = [VS, ...pads(VID, 5), VE];
  const { positions } = ropeIndex(ids, TOKENS, [], [{ t: 5, h: 2, w: 2 }]);
  assert.deepEqual(rows(positions), [
    [0, 1, 2, 3, 4, 5, 6],
    [0, 1, 1, 1, 1, 1, 6],
    [0, 1, 1, 1, 1, 1, 6],
  ]);
});

test('wrong pad counts and missing grids are refused', () => {
  assert.throws(
    () => ropeIndex([VS, ...pads(IMG, 5), VE], TOKENS, [{ t: 1, h: 4, w: 6 }]),
    /needs 6 pad tokens, the prompt has 5/,
  );
  assert.throws(() => ropeIndex([VS, IMG, VE], TOKENS, []), /more images than the 0 grids/);
  assert.throws(
    () => ropeIndex([10], TOKENS, [{ t: 1, h: 2, w: 2 }]),
    /grids given for 1 images and 0 videos, the prompt has 0 and 0/,
  );
  assert.throws(() => visionTokenCount({ t: 1, h: 3, w: 4 }), /multiples of the merge size 2/);
  assert.throws(() => visionTokenCount({ t: 0, h: 2, w: 2 }), /grid_thw.t is 0/);
});

test('a video fed one temporal patch at a time gets the positions of the whole video', () => {
  const h = 6;
  const w = 4;
  const whole = visionPositions(7, { t: 3, h, w });
  const cursor = new MropeCursor(7);
  const parts = [cursor.videoPatch(h, w), cursor.videoPatch(h, w), cursor.videoPatch(h, w)];
  assert.deepEqual(concatPositions(parts), whole);
  assert.equal(cursor.next, 7 + visionExtent({ t: 3, h, w }));
  // Text after the video continues from max + 1, as get_rope_index does.
  assert.deepEqual(rows(cursor.text(2))[0], [maxPosition(whole) + 1, maxPosition(whole) + 2]);
  assert.throws(() => {
    cursor.videoPatch(h, w);
    cursor.videoPatch(h + 2, w);
  }, /must share one grid/);
});

test('the cursor reproduces ropeIndex for text, image, text, video, text', () => {
  const image = { t: 1, h: 4, w: 6 };
  const video = { t: 2, h: 4, w: 8 };
  const ids = [
    ...[1, 2, 3, VS],
    ...pads(IMG, visionTokenCount(image)),
    ...[VE, 4, VS],
    ...pads(VID, visionTokenCount(video)),
    ...[VE, 5, 6],
  ];
  const cursor = new MropeCursor();
  const streamed = concatPositions([
    cursor.text(4),
    cursor.vision(image),
    cursor.text(3),
    cursor.videoPatch(4, 8),
    cursor.videoPatch(4, 8),
    cursor.text(3),
  ]);
  assert.deepEqual(streamed, ropeIndex(ids, TOKENS, [image], [video]).positions);
});

test('position_ids data is int64 [3, 1, n] in row order', () => {
  const p = textPositions(5, 2);
  assert.deepEqual(Array.from(toPositionIdsData(p)), [5n, 6n, 5n, 6n, 5n, 6n]);
});

/** transformers.js's get_rope_index, called on a bare object carrying only the config. */
function oracle(ids: number[], images: GridThw[], videos: GridThw[]): number[][] {
  const model = Object.create(Qwen2VLForConditionalGeneration.prototype) as {
    config: unknown;
    get_rope_index(
      ids: Tensor,
      images: Tensor | null,
      videos: Tensor | null,
      mask: Tensor | null,
    ): [Tensor, Tensor];
  };
  model.config = {
    image_token_id: IMG,
    video_token_id: VID,
    vision_start_token_id: VS,
    vision_config: { spatial_merge_size: 2 },
  };
  const grids = (g: GridThw[]) =>
    g.length
      ? new Tensor('int64', BigInt64Array.from(g.flatMap((x) => [x.t, x.h, x.w]).map(BigInt)), [
          g.length,
          3,
        ])
      : null;
  const input = new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);
  const [positions] = model.get_rope_index(input, grids(images), grids(videos), null);
  const data = Array.from(positions.data as unknown as BigInt64Array, Number);
  return [0, 1, 2].map((r) => data.slice(r * ids.length, (r + 1) * ids.length));
}

test('same positions as transformers.js get_rope_index on mixed prompts', () => {
  const cases: { images: GridThw[]; videos: GridThw[]; layout: string }[] = [
    { images: [{ t: 1, h: 4, w: 6 }], videos: [], layout: 'T I T' },
    {
      images: [
        { t: 1, h: 10, w: 4 },
        { t: 1, h: 2, w: 2 },
      ],
      videos: [],
      layout: 'T I I T',
    },
    { images: [], videos: [{ t: 3, h: 6, w: 4 }], layout: 'T V T' },
    {
      images: [{ t: 1, h: 8, w: 12 }],
      videos: [
        { t: 2, h: 4, w: 4 },
        { t: 7, h: 2, w: 4 },
      ],
      layout: 'T V I T V T',
    },
  ];
  for (const { images, videos, layout } of cases) {
    const ids: number[] = [];
    let image = 0;
    let video = 0;
    let text = 100;
    for (const piece of layout.split(' ')) {
      if (piece === 'T') ids.push(text++, text++, text++);
      else if (piece === 'I') ids.push(VS, ...pads(IMG, visionTokenCount(images[image++])), VE);
      else ids.push(VS, ...pads(VID, visionTokenCount(videos[video++])), VE);
    }
    const ours = rows(ropeIndex(ids, TOKENS, images, videos).positions);
    assert.deepEqual(ours, oracle(ids, images, videos), layout);
  }
});
