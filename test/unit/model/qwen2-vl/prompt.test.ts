// Qwen2-VL's vision placeholders: one pad token per merged token (t * h * w / 4), expanded
// in order, and consistent with the positions get_rope_index gives the same prompt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IMAGE_PAD,
  VIDEO_PAD,
  expandVisionPads,
  expandVisionText,
  userTurn,
  visionPlaceholder,
} from '../../../../engine/model/adapters/qwen2-vl/prompt';
import { ropeIndex } from '../../../../engine/model/adapters/qwen2-vl/positions';

const count = (text: string, piece: string) => text.split(piece).length - 1;

test('the template placeholders', () => {
  assert.equal(visionPlaceholder('image'), '<|vision_start|><|image_pad|><|vision_end|>');
  assert.equal(visionPlaceholder('video'), '<|vision_start|><|video_pad|><|vision_end|>');
});

test('pad tokens number t * h * w / 4', () => {
  const image = expandVisionText('image', { t: 1, h: 4, w: 6 });
  assert.equal(image, `<|vision_start|>${IMAGE_PAD.repeat(6)}<|vision_end|>`);
  // 644 x 476 image: grid 1 x 34 x 46 -> 391 tokens.
  assert.equal(count(expandVisionText('image', { t: 1, h: 34, w: 46 }), IMAGE_PAD), 391);
  // Four frames of 56 x 56: grid 2 x 4 x 4 -> 8 tokens.
  assert.equal(count(expandVisionText('video', { t: 2, h: 4, w: 4 }), VIDEO_PAD), 8);
  assert.throws(
    () => expandVisionText('image', { t: 1, h: 5, w: 6 }),
    /multiples of the merge size/,
  );
});

test('expanding a templated prompt in order, images and videos counted apart', () => {
  const templated = userTurn(
    `${visionPlaceholder('image')}${visionPlaceholder('video')}${visionPlaceholder('image')}What changed?`,
  );
  const images = [
    { t: 1, h: 4, w: 6 },
    { t: 1, h: 2, w: 2 },
  ];
  const videos = [{ t: 3, h: 4, w: 8 }];
  const text = expandVisionPads(templated, images, videos);
  assert.equal(count(text, IMAGE_PAD), 6 + 1);
  assert.equal(count(text, VIDEO_PAD), 24);
  assert.ok(
    text.includes(
      `<|vision_start|>${IMAGE_PAD.repeat(6)}<|vision_end|><|vision_start|>${VIDEO_PAD}`,
    ),
  );
  assert.ok(text.startsWith('<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n'));
  assert.ok(text.endsWith('What changed?<|im_end|>\n<|im_start|>assistant\n'));
  assert.throws(() => expandVisionPads(templated, images, []), /more video placeholders/);
  assert.throws(() => expandVisionPads(templated, [...images, images[0]], videos), /3 image grids/);

  // Tokenised with a toy tokenizer (special tokens -> Qwen2-VL ids, anything else -> 1),
  // the expanded prompt is exactly what get_rope_index expects.
  const ids = text
    .split(/(<\|[a-z_]+\|>)/)
    .filter(Boolean)
    .map(
      (piece) =>
        ({
          '<|vision_start|>': 151652,
          '<|vision_end|>': 151653,
          [IMAGE_PAD]: 151655,
          [VIDEO_PAD]: 151656,
        })[piece] ?? 1,
    );
  const tokens = { imageTokenId: 151655, videoTokenId: 151656, visionStartTokenId: 151652 };
  assert.equal(ropeIndex(ids, tokens, images, videos).positions.length, ids.length);
});

test('a user turn as the chat template writes it', () => {
  assert.equal(
    userTurn('hi'),
    '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n',
  );
  assert.ok(userTurn('hi', 'Be brief.').startsWith('<|im_start|>system\nBe brief.<|im_end|>'));
});
