// Idefics3 / SmolVLM: SigLIP-style vision encoder with a pixel-shuffle connector,
// embed_tokens, and a Llama-style merged decoder, as exported by Optimum/transformers.js.
import type { TextModelSpec } from '../../contract';
import { floatTensor, boolTensor } from '../../tensors';
import { numberField, optionalNumber, type Json } from '../config-fields';
import { frameAtTime } from '../frame-at-time';
import { textSignatures } from '../text-signatures';
import type { FamilySpec, ModelAdapter, PartSignature, ProcessedImage } from '../types';
import { Idefics3ImageProcessor, type Idefics3PreprocessorConfig } from './image-processor';

const FAKE_TOKEN = '<fake_token_around_image>';
const IMAGE_TOKEN = '<image>';
const GLOBAL_TOKEN = '<global-img>';

function object(obj: Json, key: string): Json {
  const value = obj[key];
  if (!value || typeof value !== 'object')
    throw new Error(`config.json: ${key} is missing or not an object`);
  return value as Json;
}

export function readTextSpec(config: Json): TextModelSpec {
  const text = object(config, 'text_config');
  const at = 'text_config.';
  const numHeads = numberField(text, 'num_attention_heads', at);
  const hiddenSize = numberField(text, 'hidden_size', at);
  const headDim = optionalNumber(text, 'head_dim') ?? hiddenSize / numHeads;
  const scaling = text.rope_scaling as { rope_type?: string; type?: string; factor?: number };
  return {
    numLayers: numberField(text, 'num_hidden_layers', at),
    numHeads,
    numKvHeads: optionalNumber(text, 'num_key_value_heads') ?? numHeads,
    headDim,
    hiddenSize,
    vocabSize: optionalNumber(text, 'vocab_size') ?? numberField(config, 'vocab_size', ''),
    maxPositions: numberField(text, 'max_position_embeddings', at),
    rope: {
      theta: optionalNumber(text, 'rope_theta') ?? 10000,
      rotaryDim: Math.round(headDim * (optionalNumber(text, 'partial_rotary_factor') ?? 1)),
      ...(scaling && typeof scaling === 'object'
        ? {
            scaling: {
              type: scaling.rope_type ?? scaling.type ?? 'linear',
              factor: scaling.factor ?? 1,
            },
          }
        : {}),
    },
  };
}

function readSpec(config: Json): FamilySpec {
  const text = readTextSpec(config);
  const vision = object(config, 'vision_config');
  const imageSize = numberField(vision, 'image_size', 'vision_config.');
  const patchSize = numberField(vision, 'patch_size', 'vision_config.');
  const scale = optionalNumber(config, 'scale_factor') ?? 2;
  const patchesPerSide = imageSize / patchSize;
  if (!Number.isInteger(patchesPerSide) || patchesPerSide % scale !== 0)
    throw new Error(
      `config.json: vision_config.image_size (${imageSize}) / patch_size (${patchSize}) must be a multiple of scale_factor (${scale})`,
    );
  return {
    modelType: String(config.model_type),
    text,
    imageTokenId:
      optionalNumber(config, 'image_token_id') ?? numberField(config, 'image_token_index', ''),
    tokensPerTile: (patchesPerSide / scale) ** 2,
    tileSize: imageSize,
  };
}

function signatures(spec: FamilySpec): Record<'vision' | 'embed' | 'decoder', PartSignature> {
  const { hiddenSize } = spec.text;
  return {
    vision: {
      file: 'vision_encoder',
      inputs: [
        { name: 'pixel_values', type: 'float', dims: [null, null, 3, null, null] },
        { name: 'pixel_attention_mask', type: 'bool', dims: [null, null, null, null] },
      ],
      outputs: [{ name: 'image_features', type: 'float', dims: [null, null, hiddenSize] }],
    },
    ...textSignatures(spec, [null, null]),
  };
}

/** `<fake><row_1_col_1><image>*n ... \n\n<fake><global-img><image>*n<fake>` as the HF processor writes it. */
export function expandImageText(rows: number, cols: number, tokensPerTile: number): string {
  const run = IMAGE_TOKEN.repeat(tokensPerTile);
  const global = `${FAKE_TOKEN}${GLOBAL_TOKEN}${run}${FAKE_TOKEN}`;
  if (rows === 0 && cols === 0) return global;
  let text = '';
  for (let r = 1; r <= rows; r++) {
    for (let c = 1; c <= cols; c++) text += `${FAKE_TOKEN}<row_${r}_col_${c}>${run}`;
    text += '\n';
  }
  return `${text}\n${global}`;
}

export const idefics3Adapter: ModelAdapter = {
  modelTypes: ['idefics3'],
  videoPrompt: frameAtTime(IMAGE_TOKEN),
  imagePlaceholder: IMAGE_TOKEN,
  imageToken: IMAGE_TOKEN,
  readSpec,
  signatures,
  createImageProcessor: (pre) => new Idefics3ImageProcessor(pre as Idefics3PreprocessorConfig),
  expandImageText: (image: ProcessedImage, spec) =>
    expandImageText(image.rows, image.cols, spec.tokensPerTile),
  imageTokens: (image, spec) => image.numTiles * spec.tokensPerTile,
  visionFeeds({ image, floatType }) {
    const t = image.tileSize;
    return {
      pixel_values: floatTensor(floatType, image.pixelValues, [1, image.numTiles, 3, t, t]),
      pixel_attention_mask: boolTensor(image.numTiles * t * t, [1, image.numTiles, t, t]),
    };
  },
};
