// transformers.js as the reference implementation of Qwen2-VL generation: greedy tokens
// for (model folder, image, question) from Qwen2VLForConditionalGeneration + AutoProcessor,
// loaded from the local folder only. For comparing the engine's own Qwen2-VL path token for
// token (the qwen2-vl-tiny reference folder, or a real export). Not a test file itself.
import { basename, dirname } from 'node:path';
import type { RgbImage } from '../../../engine/model/image-input';

type Transformers = typeof import('@huggingface/transformers');
type Loaded = {
  tf: Transformers;
  processor: Awaited<ReturnType<Transformers['AutoProcessor']['from_pretrained']>>;
  model: InstanceType<Transformers['Qwen2VLForConditionalGeneration']>;
};

export interface Qwen2VlGreedy {
  /** The prompt's input_ids (chat template, one image, pads expanded). */
  promptIds: number[];
  /** Generated token ids after the prompt (an end token included when one was generated). */
  tokens: number[];
  /** image_grid_thw of the image, in patches: [t, h, w]. */
  gridThw: [number, number, number];
  /** The prompt text before pad expansion, as the chat template wrote it. */
  prompt: string;
  /** The processor's pixel_values [patches, values per patch]. */
  pixelValues: { data: Float32Array; dims: number[] };
}

const loaded = new Map<string, Promise<Loaded>>();

async function load(dir: string): Promise<Loaded> {
  const tf = await import('@huggingface/transformers');
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = `${dirname(dir)}/`;
  const processor = await tf.AutoProcessor.from_pretrained(basename(dir), {
    local_files_only: true,
  });
  const model = (await tf.Qwen2VLForConditionalGeneration.from_pretrained(basename(dir), {
    local_files_only: true,
    dtype: 'fp32',
    device: 'cpu',
  })) as Loaded['model'];
  return { tf, processor, model };
}

/** Loads the folder once per process (transformers.js sessions are reused across calls). */
function loadOnce(dir: string): Promise<Loaded> {
  let entry = loaded.get(dir);
  if (!entry) {
    entry = load(dir);
    loaded.set(dir, entry);
  }
  return entry;
}

/** Releases the sessions of every folder loaded here. */
export async function disposeQwen2VlTransformersJs(): Promise<void> {
  const all = [...loaded.values()];
  loaded.clear();
  for (const entry of all) await (await entry).model.dispose();
}

/**
 * transformers.js's greedy generation (do_sample false) for one image and a question, in a
 * user turn of Qwen2-VL's chat template with the generation prompt. `image` is RGB pixels or
 * the path of an image file (read by transformers.js).
 */
export async function transformersJsQwen2VlGreedy(
  dir: string,
  image: RgbImage | string,
  question: string,
  maxNewTokens = 8,
): Promise<Qwen2VlGreedy> {
  const { tf, processor, model } = await loadOnce(dir);
  const raw =
    typeof image === 'string'
      ? (await tf.RawImage.read(image)).rgb()
      : new tf.RawImage(new Uint8ClampedArray(image.data), image.width, image.height, 3);
  const messages = [
    { role: 'user', content: [{ type: 'image' }, { type: 'text', text: question }] },
  ];
  const prompt = processor.apply_chat_template(messages as never, {
    add_generation_prompt: true,
  }) as string;
  const inputs = (await processor(prompt, [raw])) as {
    input_ids: InstanceType<Transformers['Tensor']>;
    image_grid_thw: InstanceType<Transformers['Tensor']>;
    pixel_values: InstanceType<Transformers['Tensor']>;
  };
  const output = (await model.generate({
    ...inputs,
    max_new_tokens: maxNewTokens,
    do_sample: false,
  })) as InstanceType<Transformers['Tensor']>;
  const promptIds = Array.from(inputs.input_ids.data as BigInt64Array, Number);
  const all = Array.from(output.data as BigInt64Array, Number);
  const grid = Array.from(inputs.image_grid_thw.data as BigInt64Array, Number);
  return {
    promptIds,
    tokens: all.slice(promptIds.length),
    gridThw: [grid[0], grid[1], grid[2]],
    prompt,
    pixelValues: {
      data: Float32Array.from(inputs.pixel_values.data as Float32Array),
      dims: [...inputs.pixel_values.dims],
    },
  };
}
