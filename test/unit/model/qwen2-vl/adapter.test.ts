// The qwen2_vl adapter on the real export's files: onnx-community/Qwen2-VL-2B-Instruct's
// config.json is flat (no text_config), says rope_scaling type "default" next to
// mrope_section, and names the patch size spatial_patch_size; video frames are capped at
// qwen-vl-utils' VIDEO_MAX_PIXELS while still images keep max_pixels.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  VIDEO_FRAME_MAX_PIXELS,
  qwen2VlAdapter,
} from '../../../../engine/model/adapters/qwen2-vl/adapter';

/** The fields of onnx-community/Qwen2-VL-2B-Instruct config.json (commit 214aa9f) the engine reads. */
const CONFIG_2B = {
  model_type: 'qwen2_vl',
  hidden_size: 1536,
  num_hidden_layers: 28,
  num_attention_heads: 12,
  num_key_value_heads: 2,
  vocab_size: 151936,
  max_position_embeddings: 32768,
  rope_theta: 1000000.0,
  rope_scaling: { mrope_section: [16, 24, 24], rope_type: 'default', type: 'default' },
  vision_config: { hidden_size: 1536, in_chans: 3, model_type: 'qwen2_vl', spatial_patch_size: 14 },
  vision_start_token_id: 151652,
  vision_end_token_id: 151653,
  image_token_id: 151655,
  video_token_id: 151656,
};

const PREPROCESSOR_2B = {
  min_pixels: 3136,
  max_pixels: 12845056,
  patch_size: 14,
  temporal_patch_size: 2,
  merge_size: 2,
  image_mean: [0.48145466, 0.4578275, 0.40821073],
  image_std: [0.26862954, 0.26130258, 0.27577711],
  resample: 3,
};

test("the 2B export's config reads as M-RoPE without frequency scaling", () => {
  const spec = qwen2VlAdapter.readSpec(CONFIG_2B);
  assert.equal(spec.text.headDim, 128);
  assert.equal(spec.text.numKvHeads, 2);
  assert.deepEqual(spec.text.rope, { theta: 1e6, rotaryDim: 128, mropeSection: [16, 24, 24] });
  assert.equal(spec.imageTokenId, 151655);
  assert.deepEqual(spec.mrope, { visionStartTokenId: 151652, videoTokenId: 151656, mergeSize: 2 });
  assert.equal(spec.tileSize, 28);
  const decoder = qwen2VlAdapter.signatures(spec).decoder;
  assert.deepEqual(decoder.inputs.find((i) => i.name === 'position_ids')?.dims, [3, null, null]);
});

test('a config without mrope_section is refused by name', () => {
  const { rope_scaling: _, ...config } = CONFIG_2B;
  assert.throws(() => qwen2VlAdapter.readSpec(config), /mrope_section/);
});

test('a 1280x720 video frame is capped at VIDEO_MAX_PIXELS; the same still image is not', async () => {
  const processor = qwen2VlAdapter.createImageProcessor(PREPROCESSOR_2B);
  const image = { data: new Uint8Array(1280 * 720 * 3).fill(128), width: 1280, height: 720 };
  const frame = await processor.process(image, { doImageSplitting: false });
  const still = await processor.process(image);
  assert.deepEqual(frame.patches, { t: 1, h: 40, w: 72, patchDim: 1176 });
  assert.ok(40 * 14 * 72 * 14 <= VIDEO_FRAME_MAX_PIXELS);
  assert.deepEqual(still.patches, { t: 1, h: 52, w: 92, patchDim: 1176 });
  const spec = qwen2VlAdapter.readSpec(CONFIG_2B);
  assert.equal(qwen2VlAdapter.imageTokens(frame, spec), 720);
  assert.equal(frame.pixelValues.length, 40 * 72 * 1176);
});
